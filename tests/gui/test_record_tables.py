"""A record's clinical tables: one row per fact across its documents, with the documents it was
found in; one audited read for the record; a double-click opens the document at the mention.
Long extractions are filled a slice at a time into a model/view table; replaced values in
cells and in a summary's stream are marked as in the document view; the first-run wizard
tries again after a refused engine start."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.app import Desktop
from desktop.qt import Qt, QtWidgets
from desktop.views.clinical import (
    _SIZE_SAMPLE_ROWS,
    FILL_SLICE,
    ClinicalTables,
    merge_mentions,
)
from desktop.views.document import CLINICAL_TAB, TEXT_TAB
from desktop.views.phi_text import STAND_INS
from desktop.views.summary import STREAM_SHOW_MS, SummaryView
from engine import protocol as p

VISIT = ("ASSESSMENT: Chest pain on exertion. Hypertension.\n"
         "MEDICATIONS: Lisinopril 10 mg daily.\n")
FOLLOW_UP = ("HISTORY OF PRESENT ILLNESS: Denies chest pain.\n"
             "MEDICATIONS: Lisinopril 10 mg daily. Lisinopril 10 mg daily.\n")


def _row(table, found_as: str, assertion: str = "") -> int:
    headers = table.fact_model().headers
    rows = [r for r in range(table.rowCount())
            if table.text(r, 0).lower() == found_as
            and table.text(r, headers.index("Assertion")) == assertion]
    assert len(rows) == 1, [table.text(r, 0) for r in range(table.rowCount())]
    return rows[0]


def _cell(table, row: int, header: str) -> str:
    return table.text(row, table.fact_model().headers.index(header))


# --- merging across documents, without an engine -----------------------------------------

def test_a_record_merges_one_fact_across_documents_and_names_them():
    ten_mg = {"strength": "10 mg"}
    entities = [
        p.ClinicalEntity("medication", "Lisinopril", 60, 70, section="medications",
                         attributes=ten_mg, document_id="D-b"),
        p.ClinicalEntity("medication", "lisinopril", 5, 15, section="assessment_plan",
                         document_id="D-a"),
        p.ClinicalEntity("medication", "Lisinopril", 84, 94, section="medications",
                         attributes=ten_mg, document_id="D-b"),
        p.ClinicalEntity("medication", "lisinopril", 30, 40, "negated", section="hpi",
                         document_id="D-b"),
    ]
    rows = merge_mentions(entities, (("strength", "Strength"),), ["D-a", "D-b"])
    assert len(rows) == 2  # the denied mention stands apart
    present = rows[0]
    assert [m.document_id for m in present.mentions] == ["D-a", "D-b", "D-b"]  # oldest first
    names = {"D-a": "document 1 (PDF)", "D-b": "visit.txt"}
    assert present.sources(names) == ("document 1 (PDF): Assessment and plan; "
                                      "visit.txt: Medications ×2")
    assert rows[1].entity.assertion == "negated"
    assert rows[1].places() == [("D-b", 30, 40)]


# --- long extractions ---------------------------------------------------------------------

def test_a_long_extraction_is_merged_in_slices_into_a_model(qtbot):
    """6,000 distinct problems from 12,000 mentions: the fill takes many turns of the event
    loop, and the view formats only the rows it measures or draws, not all of them."""
    distinct = 6000
    entities = [{"type": "problem", "text": f"condition {n % distinct}", "start": n * 20,
                 "end": n * 20 + 12, "section": "pmh", "attributes": {}}
                for n in range(2 * distinct)]
    tables = ClinicalTables()
    qtbot.addWidget(tables)
    tables.show()
    tables.show_extraction(p.Extraction(p.EntityChunks.of(entities)))
    table, model = tables.tables["problem"], tables.models["problem"]
    assert tables.filling and table.rowCount() == 0  # nothing was merged in the call itself
    qtbot.waitUntil(lambda: not tables.filling, timeout=60_000)
    assert tables.slices >= len(entities) // FILL_SLICE
    assert table.rowCount() == distinct and tables.tabText(0) == f"Problems ({distinct})"
    assert isinstance(table, QtWidgets.QTableView) and table.model() is model
    qtbot.wait(50)  # painted
    assert 0 < model.formatted_rows <= 2 * _SIZE_SAMPLE_ROWS
    assert _cell(table, 0, "Sources") == "Past medical history ×2"  # formatted when asked


def test_the_engines_chunks_are_decoded_one_per_turn(qtbot):
    """A long extraction crosses from the engine as JSON text in chunks: decoding them all at
    once on receipt would hold the window as long as merging them at once."""
    entities = [{"type": "vital", "text": "BP", "start": n * 9, "end": n * 9 + 2,
                 "section": "vitals", "attributes": {"systolic": 120 + n % 3,
                                                     "diastolic": 80}}
                for n in range(3 * p.ENTITY_CHUNK + 10)]
    chunked = p.EntityChunks.of(entities)
    assert chunked.count == len(entities) and len(chunked.chunks) == 4
    assert all(isinstance(chunk, str) for chunk in chunked.chunks)
    tables = ClinicalTables()
    qtbot.addWidget(tables)
    tables.show_extraction(p.Extraction(chunked))
    assert tables.filling and tables.tables["vital"].rowCount() == 0
    qtbot.waitUntil(lambda: not tables.filling, timeout=60_000)
    assert tables.slices >= 4 + len(entities) // FILL_SLICE
    table = tables.tables["vital"]
    assert sorted(_cell(table, r, "Value") for r in range(table.rowCount())) == \
        ["120/80", "121/80", "122/80"]


def test_a_new_document_stops_the_fill_of_the_last(qtbot):
    tables = ClinicalTables()
    qtbot.addWidget(tables)
    many = [{"type": "problem", "text": f"c{n}", "start": n, "end": n + 1, "attributes": {}}
            for n in range(5 * FILL_SLICE)]
    tables.show_extraction(p.Extraction(p.EntityChunks.of(many)))
    tables.show_extraction(p.Extraction(p.EntityChunks.of(many[:3])))  # short: shown at once
    assert not tables.filling and tables.tables["problem"].rowCount() == 3
    qtbot.wait(50)
    assert tables.tables["problem"].rowCount() == 3


# --- replaced values ----------------------------------------------------------------------

def test_a_moved_date_in_a_cell_is_marked_like_the_document_view(qtbot):
    tables = ClinicalTables()
    qtbot.addWidget(tables)
    entities = [{"type": "lab", "text": "HbA1c", "start": 0, "end": 5, "section": "labs",
                 "attributes": {"value": 7.2, "unit": "%", "date": "03/14/2024"}},
                {"type": "lab", "text": "LDL", "start": 20, "end": 23, "section": "labs",
                 "attributes": {"value": 99, "unit": "mg/dL", "date": "2019"}}]
    stand_ins = [p.StandIn("DATE", "03/14/2024"), p.StandIn("NAME", "Latoya")]
    tables.show_extraction(p.Extraction(p.EntityChunks.of(entities)), stand_ins)
    table, model = tables.tables["lab"], tables.models["lab"]
    hba1c, ldl = _row(table, "hba1c"), _row(table, "ldl")
    assert _cell(table, hba1c, "Date") == "[DATE shifted: 03/14/2024]"
    assert _cell(table, ldl, "Date") == "2019"  # not a replaced value: as written
    date = model.index(hba1c, model.headers.index("Date"))
    assert model.data(date, Qt.ItemDataRole.ToolTipRole) == "Date (replaced)"
    tables.set_display(STAND_INS)  # the admin's setting: the stand-in, in a badge
    assert _cell(table, hba1c, "Date") == "03/14/2024"
    font = model.data(date, Qt.ItemDataRole.FontRole)
    assert font.bold() and font.underline()
    assert model.data(model.index(ldl, model.headers.index("Date")),
                      Qt.ItemDataRole.FontRole) is None


@pytest.fixture
def streaming(qtbot, tmp_path):
    """A summary view on a link that never starts; engine events fed through its signals."""
    from desktop.engine_link import EngineLink

    view = SummaryView(EngineLink(tmp_path / "data"))
    qtbot.addWidget(view)
    view.show()
    view.record_id, view.job_id, view.with_model = "R-1", "J-1", True
    view.cancel.setEnabled(True)
    return view


def test_the_stream_marks_replaced_values_and_holds_back_half_a_one(streaming, qtbot):
    emit, stream = streaming.link.job_text.emit, streaming.stream

    def shown_after(piece: str) -> str:
        emit(p.JobText("J-1", piece))
        qtbot.wait(STREAM_SHOW_MS + 100)  # pieces close together are shown together
        return stream.toPlainText()

    assert shown_after("Seen by Lato") == ""  # the record's replaced values are not known yet
    streaming.mark_stream([p.StandIn("NAME", "Latoya Piazza"), p.StandIn("DATE", "08/22/2023")])
    assert stream.toPlainText() == "Seen by "  # "Lato" may be the name's start
    assert shown_after("ya Piazza on 08/22") == "Seen by [NAME] on "
    assert shown_after("/2023 for hypertension.") == ("Seen by [NAME] on [DATE shifted: "
                                                      "08/22/2023] for hypertension.")
    assert "Latoya" not in stream.toHtml()
    streaming.set_display(STAND_INS)
    assert "Latoya Piazza" in stream.toPlainText()
    assert "text-decoration:underline" in stream.toHtml().replace(" ", "")


# --- the record view with a real engine ---------------------------------------------------

def _stored(call, qtbot, job: p.JobInfo) -> p.JobInfo:
    qtbot.waitUntil(lambda: call(p.GetJob(job_id=job.id)).state in ("succeeded", "failed"),
                    timeout=300_000)
    done = call(p.GetJob(job_id=job.id))
    assert done.state == "succeeded", done.error
    return done


def test_record_tables_merge_documents_audit_once_and_open_the_mention(
        make_window, sign_in, call, qtbot, tmp_path: Path):
    visit, follow_up = tmp_path / "visit.txt", tmp_path / "follow_up.txt"
    visit.write_text(VISIT, encoding="utf-8")
    follow_up.write_text(FOLLOW_UP, encoding="utf-8")
    first = _stored(call, qtbot, call(p.ProcessDocument(path=str(visit))))
    second = _stored(call, qtbot, call(p.ProcessDocument(path=str(follow_up),
                                                         record_id=first.record_id)))
    record_id = first.record_id
    docs = {d.source_name: d.id for d in call(p.ListDocuments(record_id=record_id))}
    assert len(docs) == 2
    first_id = docs["visit.txt"]
    assert second.result["document_id"] == docs["follow_up.txt"]

    window = make_window()
    sign_in(window)
    reads_before = len(call(p.ListAudit(action="document.read", limit=10_000)))
    window.open_record(record_id)
    document = window.document
    document.tabs.setCurrentIndex(CLINICAL_TAB)
    medications, problems = document.clinical.tables["medication"], \
        document.clinical.tables["problem"]
    qtbot.waitUntil(lambda: medications.rowCount() > 0, timeout=60_000)

    lisinopril = _row(medications, "lisinopril")  # three mentions, two documents: one row
    assert _cell(medications, lisinopril, "Sources") == \
        "visit.txt: Medications; follow_up.txt: Medications ×2"
    assert _cell(medications, lisinopril, "Strength") == "10 mg"
    present, denied = _row(problems, "chest pain"), _row(problems, "chest pain",
                                                         "denied / absent")
    assert _cell(problems, present, "Sources") == "visit.txt: Assessment and plan"
    assert _cell(problems, denied, "Sources") == "follow_up.txt: History of present illness"

    facts = call(p.ListAudit(action="record.facts"))
    assert len(facts) == 1 and facts[0].resource_id == record_id
    assert facts[0].phi_accessed
    assert len(call(p.ListAudit(action="document.read", limit=10_000))) == reads_before
    document.tabs.setCurrentIndex(TEXT_TAB)
    document.tabs.setCurrentIndex(CLINICAL_TAB)  # shown again: not read again
    assert len(call(p.ListAudit(action="record.facts"))) == 1

    _, start, end = medications.fact_model().rows[lisinopril].places()[0]
    medications.doubleClicked.emit(medications.fact_model().index(lisinopril, 0))
    qtbot.waitUntil(lambda: document.document_id == first_id
                    and document.pages.page_count > 0, timeout=60_000)
    assert document.tabs.currentIndex() == TEXT_TAB
    assert document.pages.selection() == (start, end)
    assert document.text.textCursor().selectedText() == "Lisinopril"


def test_a_clerk_may_not_read_a_records_facts(link, call, qtbot):
    call(p.AddUser(username="frontdesk", role="clerk", password="clerk pass 12"))
    call(p.Unlock(username="frontdesk", password="clerk pass 12"))
    error = call.error(p.GetRecordFacts(record_id="R-000000000000"))
    assert error.code == "PERMISSION_DENIED"


# --- the first-run wizard tries again -----------------------------------------------------

def test_the_wizard_starts_the_engine_again_after_a_refused_start(started_link, qtbot,
                                                                  settings):
    """The folder was open in another window; that window closed; Next tries again."""
    desktop = Desktop(QtWidgets.QApplication.instance(), started_link.data_dir, settings)
    desktop.start()
    wizard = desktop.wizard
    try:
        next_button = wizard.button(QtWidgets.QWizard.WizardButton.NextButton)
        next_button.click()
        wizard.admin.name.setText("chief")
        wizard.admin.password.setText("a long enough one")
        wizard.admin.confirm.setText("a long enough one")
        next_button.click()
        qtbot.waitUntil(lambda: "STORE_BUSY" in wizard.admin.message.text(), timeout=120_000)
        assert wizard.admin.message.property("role") == "error"
        assert next_button.isEnabled() and not wizard.link.running
        started_link.stop()  # the other window closes
        next_button.click()
        qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery, timeout=120_000)
        assert wizard.recovery.key.text() and wizard.link.running
    finally:
        wizard.hide()  # not reject(): the wizard's reject quits the application
        desktop.shutdown()
