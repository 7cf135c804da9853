"""The clinical tables: one row per fact with the sections it was found in, plain section
names, counts in the tab titles; a denied, family or historical mention never joins a
present one, and two doses stay two rows. Real extraction of a note written here."""

from __future__ import annotations

import pytest

from desktop.views.clinical import ClinicalTables, merge_mentions, section_label
from engine import protocol as p
from engine.clinical import extract_clinical
from engine.clinical.sections import CANONICAL, LABELS

NOTE = (
    "HISTORY OF PRESENT ILLNESS: 64 year old seen for hypertension and type 2 diabetes. "
    "Denies chest pain.\n"
    "PAST MEDICAL HISTORY: Hypertension. Type 2 diabetes mellitus. Asthma.\n"
    "FAMILY HISTORY: Mother with hypertension and breast cancer.\n"
    "MEDICATIONS: Metformin 500 mg PO BID. Lisinopril 10 mg daily. Albuterol inhaler PRN.\n"
    "ASSESSMENT AND PLAN: 1. Hypertension - continue lisinopril 10 mg daily. 2. Type 2 "
    "diabetes - increase metformin to 1000 mg PO BID. No chest pain today.\n")


@pytest.fixture(scope="module")
def extraction() -> p.Extraction:
    return p.Extraction.from_plain(extract_clinical(NOTE).to_dict())


@pytest.fixture
def tables(qtbot, extraction) -> ClinicalTables:
    widget = ClinicalTables()
    qtbot.addWidget(widget)
    widget.show_extraction(extraction)
    return widget


def _rows(tables: ClinicalTables, kind: str) -> list[dict[str, str]]:
    table = tables.tables[kind]
    headers = table.fact_model().headers
    return [{h: table.text(r, c) for c, h in enumerate(headers)}
            for r in range(table.rowCount())]


def test_each_problem_is_one_row_with_its_sources(tables, extraction):
    rows = _rows(tables, "problem")
    mentions = [e for e in extraction.entities.all() if e.type == "problem"]
    assert len(rows) < len(mentions)  # repeated mentions were merged
    present = [r for r in rows if r["Assertion"] == ""]
    assert [(r["Found as"], r["Sources"]) for r in present] == [
        ("hypertension", "History of present illness; Assessment and plan"),
        ("type 2 diabetes", "History of present illness; Assessment and plan")]
    denied = [r for r in rows if r["Assertion"] == "denied / absent"]
    assert [(r["Found as"], r["Sources"]) for r in denied] == [
        ("chest pain", "History of present illness; Assessment and plan")]
    # The same code under another assertion is another row, never folded into "present".
    hypertension = [r["Assertion"] for r in rows if r["Found as"].lower() == "hypertension"]
    assert sorted(hypertension) == ["", "family history", "history"]
    assert tables.tabText(0) == f"Problems ({len(rows)})"


def test_two_doses_of_one_drug_stay_two_rows(tables):
    rows = _rows(tables, "medication")
    metformin = [(r["Strength"], r["Status"], r["Sources"]) for r in rows
                 if r["Found as"].lower() == "metformin"]
    assert metformin == [("500 mg", "active", "Medications"),
                         ("1000 mg", "changed", "Assessment and plan")]
    lisinopril = [r["Sources"] for r in rows if r["Found as"].lower() == "lisinopril"]
    assert lisinopril == ["Medications; Assessment and plan"]
    assert tables.tabText(1) == f"Medications ({len(rows)})"


def test_no_internal_section_key_is_shown(tables):
    keys = {name for name, _ in CANONICAL}
    for kind in tables.tables:
        for row in _rows(tables, kind):
            assert not set(row["Sources"].replace(" ×", ";").split("; ")) & keys


def test_every_section_the_engine_knows_has_plain_words():
    assert {name for name, _ in CANONICAL} | {"other"} == set(LABELS)
    assert section_label("hpi") == "History of present illness"
    assert section_label("pmh") == "Past medical history"
    assert section_label("family_history") == "Family history"
    assert section_label("new_kind") == "New kind"  # a future key still reads as words


def test_double_click_walks_through_the_mentions(tables, qtbot, extraction):
    spans = [(e.start, e.end) for e in extraction.entities.all()
             if e.type == "problem" and e.assertion == "present"
             and e.code and e.code.code == "I10"]
    assert len(spans) == 2
    table = tables.tables["problem"]
    row = next(r for r in range(table.rowCount()) if table.text(r, 0) == "hypertension")
    shown = []
    tables.span_activated.connect(lambda s, e: shown.append((s, e)))
    for _ in range(3):
        table.doubleClicked.emit(table.fact_model().index(row, 0))
    assert shown == [*spans, spans[0]]


def drug(text: str, start: int, strength: str | None = None,
         assertion: str = "present") -> p.ClinicalEntity:
    return p.ClinicalEntity("medication", text, start, start + len(text), assertion,
                            attributes={"strength": strength} if strength else {})


@pytest.mark.parametrize(("entities", "rows"), [
    # a bare mention joins the one dose its drug has ...
    ([drug("Aspirin", 0, "81 mg"), drug("aspirin.", 50)], [("81 mg", 2)]),
    # ... and stands alone when there are two (which one it meant is unknown)
    ([drug("aspirin", 0, "81 mg"), drug("aspirin", 20, "325 mg"), drug("aspirin", 50)],
     [("81 mg", 1), ("325 mg", 1), ("", 1)]),
    # a negated mention never joins a present one
    ([drug("aspirin", 0), drug("aspirin", 9, assertion="negated")], [("", 1), ("", 1)]),
])
def test_merging_rules(entities, rows):
    merged = merge_mentions(entities, (("strength", "Strength"),))
    assert [(r.cells[0], len(r.mentions)) for r in merged] == rows
