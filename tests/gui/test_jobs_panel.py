"""The job queue panel and the error sentences: a stopped job shows its state, not a stale
percentage; a cancel is neutral; every error code reads as one sentence with its next step."""

from __future__ import annotations

import pytest

from desktop.messages import ENGINE_WORDS, PLAIN, describe, detail
from desktop.qt import QtGui
from desktop.views.jobs import JobPanel
from engine import protocol as p
from engine.errors import ErrorCode


def _job(state: str, error: p.ErrorInfo | None = None, stage: str | None = None) -> p.JobInfo:
    return p.JobInfo(id="J-1", kind=p.JobKind.PROCESS_DOCUMENT, state=p.JobState(state),
                     priority=0, attempts=1,
                     stage=stage, source_name="document 2 (PDF)", created_at="2026-12-04",
                     finished_at=None, result=None, error=error, record_id="R-1")


@pytest.fixture
def panel(qtbot) -> JobPanel:
    widget = JobPanel()
    qtbot.addWidget(widget)
    return widget


def _red(panel: JobPanel, column: int) -> bool:
    brush = panel.tree.topLevelItem(0).foreground(column)
    return brush.style() != QtGui.Qt.BrushStyle.NoBrush and brush.color().name() == "#c0392b"


def test_a_failed_job_shows_failed_not_its_last_percentage(panel):
    panel.show_job(_job("running", stage="extract"))
    panel.progress(p.JobProgress("J-1", "scrub", "Removing", 0, 1))
    assert panel.progress_text("J-1") == "25%"
    damaged = p.ErrorInfo("CORRUPT_FILE", "the PDF is damaged and cannot be opened")
    panel.finished(_job("failed", damaged))
    assert panel.progress_text("J-1") == "Failed"
    assert panel.tree.itemWidget(panel.tree.topLevelItem(0), 3) is None  # no bar left
    assert _red(panel, 2) and _red(panel, 4)
    row = panel.tree.topLevelItem(0)
    assert row.text(0) == "document 2 (PDF)"  # the stored (scrubbed) name
    assert row.text(4) == PLAIN["CORRUPT_FILE"] + " (CORRUPT_FILE)"
    assert "cannot be opened" in row.toolTip(4)  # the engine's words, in the tooltip only
    panel.progress(p.JobProgress("J-1", "store", "Saving", 1, 1))  # a late event
    assert panel.progress_text("J-1") == "Failed" and panel.state_of("J-1") == "failed"


def test_a_retried_job_gets_a_fresh_bar(panel):
    panel.finished(_job("failed", p.ErrorInfo("TIMEOUT", "the job ran past its time limit")))
    panel.show_job(_job("queued"))
    assert panel.progress_text("J-1") == "0%" and not _red(panel, 2)
    assert panel.tree.topLevelItem(0).text(4) == ""  # the old error is gone
    panel.finished(_job("succeeded"))
    assert panel.progress_text("J-1") == "100%"


def test_a_users_cancel_is_neutral(panel):
    panel.show_job(_job("running", stage="scrub"))
    panel.finished(_job("cancelled", p.ErrorInfo("CANCELLED", "the job was cancelled")))
    row = panel.tree.topLevelItem(0)
    assert (row.text(2), panel.progress_text("J-1"), row.text(4)) == \
        ("Cancelled", "Cancelled", "Cancelled.")
    assert not any(_red(panel, column) for column in range(5))
    assert panel.counts.text() == "Queue idle"  # no "· 1 failed"


def test_every_error_code_has_one_sentence():
    for code in ErrorCode:
        assert code.value in PLAIN or code.value in ENGINE_WORDS, code


@pytest.mark.parametrize("code", sorted(PLAIN))
def test_sentences_are_whole_and_say_what_next(code):
    sentence = PLAIN[code]
    assert sentence.endswith(".") and sentence.count(". ") == 0  # one sentence
    assert sentence[0].isupper()
    engine_words = p.ErrorInfo(code, "the " + code.lower().replace("_", " ") + " happened")
    assert describe(engine_words) in (sentence, f"{sentence} ({code})")  # no engine echo


@pytest.mark.parametrize(("error", "expected"), [
    (p.ErrorInfo("CORRUPT_FILE", "the PDF is damaged and cannot be opened"),
     "The file is damaged and could not be read; open it where it was made, save a new copy "
     "and add that. (CORRUPT_FILE)"),
    (p.ErrorInfo("FORBIDDEN_PATH", "files cannot be read from this folder"),
     "HNTAI does not read files from this folder; copy the file to your documents and add it "
     "from there. (FORBIDDEN_PATH)"),
    (p.ErrorInfo("INVALID_REQUEST", "only failed or cancelled jobs can be retried"),
     "Only failed or cancelled jobs can be retried. (INVALID_REQUEST)"),
    (p.ErrorInfo("SOMETHING_NEW", "a new failure"), "A new failure. (SOMETHING_NEW)"),
    (p.ErrorInfo("CANCELLED", "cancelled by admin"), "Cancelled."),
])
def test_errors_read_plainly_and_keep_their_code(error, expected):
    assert describe(error) == expected


def test_detail_adds_the_engine_words_once():
    error = p.ErrorInfo("FILE_TOO_LARGE", "the file is larger than allowed")
    assert detail(error) == describe(error) + "\nThe file is larger than allowed."
    said = p.ErrorInfo("INVALID_REQUEST", "nothing to summarize")
    assert detail(said) == describe(said)  # the sentence is the engine's: not twice
