"""A long document in the review view: shown one page at a time, cited spans reached on any
page, and background jobs that finish meanwhile leave it alone (no re-open, no audited read)."""

from __future__ import annotations

import itertools
from pathlib import Path

from desktop.qt import Qt, QtWidgets
from desktop.theme import is_dark, phi_colour
from desktop.views.paged_text import MAX_PAGE_CHARS, PagedPhiText, view_pages
from engine import protocol as p

PAGES = 40


def long_report(path: Path, pages: int = PAGES) -> Path:
    """A text report whose pages are separated by form feeds, as report exports do; a name
    and a phone number on every page, a medication on the last one only."""
    blocks = []
    for n in range(1, pages + 1):
        lines = [f"Progress note, section {n} of the inpatient stay.",
                 "Seen on the ward by Dr. Harriet Quenby, who can be reached on 617-555-0142.",
                 "Blood pressure 138/86 mmHg, heart rate 72, afebrile, eating well."] * 20
        if n == pages:
            lines.append("Plan: started metformin 500 mg twice daily for type 2 diabetes.")
        blocks.append("\n".join(lines))
    path.write_text("\f".join(blocks), encoding="utf-8")
    return path


def open_long_document(window, qtbot, tmp_path: Path) -> None:
    window.home.drop_zone.take([long_report(tmp_path / "long_report.txt")])
    qtbot.waitUntil(lambda: window.records.tree.topLevelItemCount() == 1, timeout=300_000)
    window.records.tree.setCurrentItem(window.records.tree.topLevelItem(0).child(0))
    qtbot.waitUntil(lambda: window.document.pages.page_count > 0, timeout=60_000)


def document_reads(call) -> int:
    return len(call(p.ListAudit(action="document.read", limit=10_000)))


def background(view, position: int) -> str:
    cursor = view.textCursor()
    cursor.setPosition(position + 1)  # the format of the character before the cursor
    return cursor.charFormat().background().color().name()


# --- the pages, without an engine ---------------------------------------------------------

def test_a_long_page_is_cut_at_line_ends_and_never_inside_a_span():
    line = "x" * 99 + "\n"
    text = line * (3 * MAX_PAGE_CHARS // len(line))
    # A span across the place the first cut would take.
    cut = text.rfind("\n", 0, MAX_PAGE_CHARS) + 1
    spans = p.PhiSpans.of([p.PhiSpan("NAME", cut - 5, cut + 5)])
    pages = view_pages(text, [p.Page(1, 0, len(text))], spans)
    assert len(pages) >= 3
    assert [page.part for page in pages] == list(range(1, len(pages) + 1))
    assert pages[0].end == cut + 5  # moved to the span's end
    assert all(text[page.end - 1] == "\n" for page in pages[1:])
    assert all(a.end == b.start for a, b in itertools.pairwise(pages))
    assert (pages[0].start, pages[-1].end) == (0, len(text))
    assert all(page.end - page.start <= MAX_PAGE_CHARS + 5 for page in pages)


def test_pages_that_do_not_fit_the_text_become_one_page():
    assert [(v.start, v.end) for v in view_pages("abc", [p.Page(1, 0, 9)], p.PhiSpans())] == [
        (0, 3)]
    assert len(view_pages("abcdef", [], p.PhiSpans())) == 1


def test_a_page_gets_its_own_spans_at_page_offsets(qtbot):
    pages = PagedPhiText()
    qtbot.addWidget(pages)
    text = "Seen by Ann Lee.\n\f\nCall 555-0100 today."
    second = text.index("Call")
    phone = p.PhiSpan("PHONE", second + 5, second + 13)
    counts = pages.set_document(text, p.PhiSpans.of([phone, p.PhiSpan("NAME", 8, 15)]),
                                [p.Page(1, 0, 16), p.Page(2, second, len(text))])
    assert counts == {"NAME": 1, "PHONE": 1}
    assert pages.view.toPlainText() == "Seen by [NAME]."  # replaced values shown as tags
    pages.next.click()
    assert pages.view.toPlainText() == "Call [PHONE] today."
    assert pages.view.span_at(6).type == "PHONE"
    assert pages.where.text() == "Page 2 of 2"
    pages.jump_to(8, 15)
    assert pages.current_page == 0 and pages.selection() == (8, 15)
    qtbot.keyClick(pages.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert pages.current_page == 1
    qtbot.keyClick(pages.view, Qt.Key.Key_PageDown)  # without Ctrl it scrolls, as in any text
    assert pages.current_page == 1


# --- the window, with a real engine -------------------------------------------------------

def test_a_long_document_opens_on_page_one_and_turns_to_any_page(make_window, qtbot, tmp_path,
                                                                 sign_in):
    window = make_window()
    sign_in(window)
    open_long_document(window, qtbot, tmp_path)
    pages = window.document.pages
    assert pages.page_count == PAGES
    assert pages.current_page == 0
    shown = window.document.text.toPlainText()
    assert shown.startswith("Progress note, section 1 of")
    assert "section 2 of" not in shown
    assert "Quenby" not in shown  # the name was replaced; its highlight is there instead
    dark = is_dark(QtWidgets.QApplication.instance())
    for span in window.document.text._spans:
        shown_at = window.document.text.shown.shown_position(span.start)
        assert background(window.document.text, shown_at) == phi_colour(span.type, dark).name()

    pages.number.setValue(PAGES - 3)
    assert pages.current_page == PAGES - 4
    assert window.document.text.toPlainText().startswith(f"Progress note, section {PAGES - 3} ")
    assert window.document.text._spans  # highlights on that page too
    pages.next.click()
    assert window.document.text.toPlainText().startswith(f"Progress note, section {PAGES - 2} ")
    assert pages.where.text() == f"Page {PAGES - 2} of {PAGES}"

    # Opening another document first drops this one: nothing of it under "Opening…".
    window.document.load(window.document.document_id)
    assert window.document.heading.text() == "Opening…"
    assert window.document.text.toPlainText() == ""
    assert pages.page_count == 0
    qtbot.waitUntil(lambda: pages.page_count == PAGES, timeout=60_000)


def test_a_cited_span_on_the_last_page_turns_to_it_and_selects_it(make_window, qtbot, tmp_path,
                                                                  sign_in):
    window = make_window()
    sign_in(window)
    open_long_document(window, qtbot, tmp_path)
    document = window.document
    table = document.clinical.tables["medication"]
    assert table.rowCount() == 0  # the extraction is read with its tab, not with the text
    document.tabs.setCurrentIndex(1)  # the clinical tables, as a person would go there
    qtbot.waitUntil(lambda: table.rowCount() > 0, timeout=30_000)
    row = next(r for r in range(table.rowCount()) if "metformin" in table.text(r, 0).lower())
    _, start, end = table.fact_model().rows[row].places()[0]  # its first mention
    table.doubleClicked.emit(table.fact_model().index(row, 0))
    assert document.tabs.currentIndex() == 0
    assert document.pages.current_page == PAGES - 1
    assert document.pages.selection() == (start, end)
    assert "metformin" in document.text.textCursor().selectedText().lower()


def test_finished_jobs_neither_reopen_the_document_nor_audit_a_read(make_window, qtbot, call,
                                                                    tmp_path, sign_in):
    window = make_window()
    sign_in(window)
    open_long_document(window, qtbot, tmp_path)
    document = window.document
    document.pages.number.setValue(7)
    scroll = document.text.verticalScrollBar()
    qtbot.waitUntil(lambda: scroll.maximum() > 0, timeout=10_000)
    scroll.setValue(scroll.maximum() // 2)
    where = (document.document_id, document.pages.current_page, scroll.value())
    reads = document_reads(call)
    assert reads == 1  # the one the user asked for
    opened: list[str] = []
    window.records.document_selected.connect(opened.append)

    notes = []
    for n in range(3):
        note = tmp_path / f"short_{n}.txt"
        note.write_text(f"Follow-up visit {n}: blood pressure 128/80 mmHg, continue lisinopril "
                        "10 mg daily.", encoding="utf-8")
        notes.append(note)
    window.home.drop_zone.take(notes)
    qtbot.waitUntil(lambda: len(window.jobs.job_ids()) == 4, timeout=60_000)
    qtbot.waitUntil(lambda: not window.jobs.open_job_ids(), timeout=300_000)
    # The lists were refreshed after the jobs (each refresh re-selects the open document):
    # the new records and their documents are there.
    tree = window.records.tree
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 4 and all(
        tree.topLevelItem(i).childCount() == 1 for i in range(4)), timeout=60_000)

    assert opened == []
    assert (document.document_id, document.pages.current_page, scroll.value()) == where
    assert window.records.current_id() == document.document_id
    assert document_reads(call) == reads
