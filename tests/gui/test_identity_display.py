"""Identity on screen is never ambiguous, and a patient's record is found without storing
who the patient is: tags by default, badged stand-ins by the admin's setting, the banner on
every document and summary, find by MRN, labels in the list, local times with the year."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import pytest

from desktop.qt import QtGui
from desktop.time_format import local_day_bounds, local_time
from desktop.views.phi_text import BANNER_TEXT, STAND_INS, TAGS, PhiLegend, PhiTextView, render
from desktop.views.summary import summary_html
from engine import protocol as p

TEXT = "Seen by Latoya Piazza on 08/22/2023 (aged 91); call 555-201-3344 or [NAME]. In 2019."
SPANS = [p.PhiSpan("NAME", 8, 21), p.PhiSpan("DATE", 25, 35), p.PhiSpan("AGE", 42, 44),
         p.PhiSpan("PHONE", 52, 64), p.PhiSpan("NAME", 68, 74), p.PhiSpan("DATE", 79, 83)]
NOTE = ("VISIT NOTE\nPatient: Rosalind Featherstonehaugh. Visit date 03/14/2024.\n"
        "Phone (614) 555-0199.\nAssessment: Type 2 diabetes mellitus, stable on metformin "
        "500 mg twice daily.\nPlan: recheck HbA1c in three months.\n")
STAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


def test_tags_hide_every_stand_in_and_mark_dates_as_moved():
    shown = render(TEXT, SPANS, TAGS)
    assert shown.text == ("Seen by [NAME] on [DATE shifted: 08/22/2023] (aged [AGE 91]); call "
                          "[PHONE] or [NAME]. In [DATE year only: 2019].")
    assert "Latoya" not in shown.text and "555" not in shown.text
    assert render(TEXT, SPANS, STAND_INS).text == TEXT  # display only: the text is the same
    # stored offsets map both ways: a citation of "call" lands on "call"
    call = TEXT.index("call")
    assert shown.text[shown.shown_position(call):].startswith("call")
    assert shown.stored_position(shown.shown_position(call)) == call
    inside = shown.shown_position(10)  # inside the name: the tag's end
    assert shown.text[:inside].endswith("[NAME]")


def test_document_text_shows_tags_and_stand_ins_get_a_badge_and_legend(qtbot):
    view, legend = PhiTextView(), PhiLegend()
    qtbot.addWidget(view)
    qtbot.addWidget(legend)
    counts = view.show_text(TEXT, SPANS)
    assert "[NAME]" in view.toPlainText() and "Latoya" not in view.toPlainText()
    assert view.span_at(SPANS[0].start) == SPANS[0]  # spans stay in stored offsets
    view.jump_to(SPANS[3].start, SPANS[3].end)
    assert view.textCursor().selectedText() == "[PHONE]"

    legend.show_counts(view.set_mode(STAND_INS), STAND_INS)
    assert view.toPlainText() == TEXT
    cursor = QtGui.QTextCursor(view.document())
    cursor.setPosition(SPANS[0].start + 1)
    fmt = cursor.charFormat()
    assert fmt.underlineStyle() == QtGui.QTextCharFormat.UnderlineStyle.DashUnderline
    assert fmt.fontWeight() == QtGui.QFont.Weight.Bold
    heading = legend.layout().itemAt(0).widget()
    assert "stand-in" in heading.text() and "not the patient's" in heading.text()
    assert counts == {"NAME": 2, "DATE": 2, "AGE": 1, "PHONE": 1}
    view.jump_to(SPANS[3].start, SPANS[3].end)
    assert view.textCursor().selectedText() == "555-201-3344"


def test_the_summary_marks_the_records_stand_ins():
    content = p.SummaryContent("extractive", sections={"timeline": (
        p.SummaryItem("2023-08-22 — visit: Latoya Piazza seen"),)})
    stored = p.StoredSummary("S-1", None, ("d",), "extractive", "", content, "", stand_ins=(
        p.StandIn("NAME", "Latoya Piazza"), p.StandIn("DATE", "2023-08-22"),
        p.StandIn("DATE", "08/22/2023")))
    tags = summary_html(stored)
    assert "[DATE shifted: 2023-08-22]" in tags and "[NAME]" in tags
    assert "Latoya" not in tags
    badged = summary_html(stored, STAND_INS)
    assert "Latoya Piazza</span>" in badged and "text-decoration:underline" in badged
    assert "invented stand-ins" in badged


def test_times_are_local_with_the_year(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Kolkata")  # UTC+5:30, no daylight saving
    time.tzset()
    try:
        assert local_time("2026-12-04T23:10:00.000001+00:00") == "2026-12-05 04:40"
        assert local_time("2026-12-04T23:10:05+00:00", seconds=True) == "2026-12-05 04:40:05"
        assert local_time(None) == "" and local_time("garbled") == "garbled"
        assert local_day_bounds(dt.date(2026, 12, 5)) == (
            "2026-12-04T18:30:00.000000+00:00", "2026-12-05T18:29:59.999999+00:00")
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


@pytest.fixture
def note(tmp_path: Path) -> Path:
    path = tmp_path / "visit.txt"
    path.write_text(NOTE, encoding="utf-8")
    return path


def test_review_window_tags_banner_setting_label_and_find_by_mrn(make_window, qtbot, sign_in,
                                                                 note, call):
    window = make_window()
    sign_in(window)
    window.home.drop_zone.take([note])
    qtbot.waitUntil(lambda: window.records.tree.topLevelItemCount() == 1, timeout=180_000)
    record = window.records.tree.topLevelItem(0)
    assert STAMP.fullmatch(record.text(2)) and STAMP.fullmatch(record.child(0).text(2))
    window.records.tree.setCurrentItem(record.child(0))
    document = window.document
    qtbot.waitUntil(lambda: "[NAME]" in document.text.toPlainText(), timeout=30_000)
    assert document.banner.isVisible() and document.banner.text() == BANNER_TEXT
    assert "[PHONE]" in document.text.toPlainText()
    assert "[DATE shifted: " in document.text.toPlainText()
    stored_name = next(document.text._text[s.start:s.end] for s in document.text._spans
                       if s.type == "NAME")
    assert stored_name not in document.text.toPlainText()
    assert "Featherstonehaugh" not in document.text.toPlainText()
    assert re.search(r"added \d{4}-\d{2}-\d{2} \d{2}:\d{2}", document.facts.text())

    # the admin's choice: stand-ins, badged, with the legend saying they are invented
    call(p.PutSetting(key="display.replaced_values", value=STAND_INS))
    window.link.call(p.GetSettings()).success(window.apply_settings).run()
    qtbot.waitUntil(lambda: stored_name in document.text.toPlainText(), timeout=30_000)
    heading = document.legend.layout().itemAt(0).widget()
    assert "invented, not the patient's" in heading.text()

    # the summary, under the same banner, marks the stand-ins in its own text
    document.tabs.setCurrentWidget(document.summary)
    document.summary.model.setCurrentIndex(document.summary.model.findData("__extractive__"))
    document.summary.start()
    qtbot.waitUntil(lambda: "Active problems" in document.summary.result.toPlainText(),
                    timeout=180_000)
    assert document.banner.isVisible()
    assert "invented stand-ins" in document.summary.result.toPlainText()
    assert STAMP.search(document.summary.state.text())
    window.link.call(p.PutSetting(key="display.replaced_values", value=TAGS)).run()
    document.set_display(TAGS)
    assert "invented stand-ins" not in document.summary.result.toPlainText()
    assert "[DATE shifted: " in document.summary.result.toPlainText()

    # a label names the record; the MRN finds it again
    record_id = window.records.current_record_id()
    window.records.set_label(record_id, "Diabetes review, batch 2")
    qtbot.waitUntil(lambda: window.records.tree.topLevelItemCount() == 1 and window.records.tree
                    .topLevelItem(0).text(0) == "Diabetes review, batch 2", timeout=30_000)
    window.records.link_mrn(record_id, "QZ-7781 004")
    qtbot.waitUntil(lambda: "MRN linked" in window.records.mrn_state.text(), timeout=30_000)
    window.records.tree.setCurrentItem(None)
    window.records.mrn.setText("qz7781004")
    window.records.find_mrn()
    assert window.records.mrn.text() == ""  # the MRN does not stay on screen
    qtbot.waitUntil(lambda: window.records.current_record_id() == record_id, timeout=30_000)
    assert "Found: Diabetes review, batch 2" in window.records.mrn_state.text()
    window.records.mrn.setText("QZ7781005")
    window.records.find_mrn()
    qtbot.waitUntil(lambda: "No record is linked" in window.records.mrn_state.text(),
                    timeout=30_000)

    # files added with an MRN go to that patient's record, or a new one linked to it
    window.show_home()
    window.home.patient.setText("QZ 7781-004")
    window.home.drop_zone.take([note])
    assert window.home.patient.text() == ""
    qtbot.waitUntil(lambda: window.records.tree.topLevelItemCount() == 1 and window.records
                    .tree.topLevelItem(0).childCount() == 2, timeout=180_000)
    window.home.patient.setText("NEW-0001")
    window.home.drop_zone.take([note])
    tree = window.records.tree
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 2 and sorted(
        tree.topLevelItem(i).childCount() for i in range(2)) == [1, 2], timeout=180_000)
    found = call(p.FindRecord(mrn="new0001"))
    assert found.document_count == 1 and found.id != record_id
