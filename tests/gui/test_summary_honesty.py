"""The summary tab says which model writes before and while it writes, says when the
configured model is missing and what is used instead, and never leaves a model's unfinished
text on screen after Cancel or a time limit. Real engine, real llama.cpp (SmolLM2)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from desktop.views.summary import EXTRACTIVE, FACTS_ONLY, SummaryView, planned_text
from engine import protocol as p

PHI3 = "phi-3-mini-4k-instruct-q4"  # first in the shipped chain; not installed here
SMOLLM2 = "smollm2-135m-instruct-q4"
WAIT_MS = 60_000


def _open_record(window, qtbot, samples_dir) -> SummaryView:
    window.home.drop_zone.take([samples_dir / "clinic_note.txt"])
    qtbot.waitUntil(lambda: window.records.tree.topLevelItemCount() == 1, timeout=180_000)
    window.records.tree.setCurrentItem(window.records.tree.topLevelItem(0).child(0))
    summary = window.document.summary
    qtbot.waitUntil(lambda: summary.record_id is not None and bool(summary.models), timeout=WAIT_MS)
    return summary


def _states(window, summary: SummaryView) -> list[str]:
    """What the tab says after each progress event (its own handler runs first)."""
    seen: list[str] = []
    window.link.job_progress.connect(lambda _e: seen.append(summary.state.text()))
    return seen


def test_a_missing_model_is_named_with_its_fallback_before_and_during(
        make_window, qtbot, samples_dir, sign_in):
    window = make_window()
    sign_in(window)
    summary = _open_record(window, qtbot, samples_dir)
    assert summary.plan.text() == (f"{PHI3} is not installed; the summary will be built "
                                   "from the extracted facts only.")
    assert summary.model.itemText(summary.model.findData(PHI3)) == f"{PHI3} (not installed)"
    states = _states(window, summary)
    summary.start()
    qtbot.waitUntil(lambda: "Active problems" in summary.result.toPlainText(), timeout=WAIT_MS)
    assert (f"{PHI3} is not installed: building the summary from the extracted facts only."
            in states)  # the engine's word on the model actually used, while it worked
    assert f"{PHI3} is not installed. Built from the extracted facts only." in \
        summary.result.toPlainText()


def test_cancel_removes_the_model_text_and_offers_extracted_facts(
        make_window, qtbot, samples_dir, sign_in):
    window = make_window()
    sign_in(window)
    summary = _open_record(window, qtbot, samples_dir)
    summary.model.setCurrentIndex(summary.model.findData(SMOLLM2))
    assert summary.plan.text() == f"The overview will be written by {SMOLLM2}."
    states = _states(window, summary)
    summary.start()
    # The model writes: its name is in the tab and in the status bar, its words stream in.
    qtbot.waitUntil(lambda: summary.stream.toPlainText() != "", timeout=300_000)
    assert f"Writing the overview with {SMOLLM2}…" in states
    assert f"{SMOLLM2} (" in window.status.models.text()
    assert "writing a summary" in window.status.models.text()
    late: list[str] = []
    window.link.job_text.connect(lambda e: late.append(e.text))
    summary.cancel.click()
    assert summary.stream.toPlainText() == "" and summary.stream.isHidden()
    qtbot.waitUntil(lambda: summary.job_id is None, timeout=WAIT_MS)
    assert summary.state.text() == "Summary cancelled; the model's unfinished text was removed."
    assert summary.stream.toPlainText() == "" and summary.stream.isHidden()  # late pieces too
    assert "writing a summary" not in window.status.models.text()
    assert not summary.facts_only.isHidden()
    summary.facts_only.click()
    qtbot.waitUntil(lambda: "Active problems" in summary.result.toPlainText(), timeout=WAIT_MS)
    assert "Built from the extracted facts only." in summary.result.toPlainText()
    assert summary.facts_only.isHidden()
    assert summary.model.currentData() == SMOLLM2  # the user's own choice is kept


@pytest.fixture
def idle_view(qtbot, tmp_path):
    """The view on a link that never starts: engine events are fed through its signals."""
    from desktop.engine_link import EngineLink

    view = SummaryView(EngineLink(tmp_path / "data"))
    qtbot.addWidget(view)
    view.show()
    view.record_id = "r1"
    view.job_id = "j1"
    view.with_model = True
    view.cancel.setEnabled(True)
    view.mark_stream([])  # the record's replaced values (none) have arrived
    return view


def test_a_job_past_its_time_limit_leaves_no_model_text(idle_view, qtbot):
    idle_view.link.job_text.emit(p.JobText("j1", "Patient has an unfinished sent"))
    qtbot.waitUntil(lambda: idle_view.stream.toPlainText() == "Patient has an unfinished sent")
    idle_view.link.job_failed.emit(p.JobFailed("j1", p.ErrorInfo("TIMEOUT", "too long")))
    assert idle_view.stream.toPlainText() == "" and idle_view.stream.isHidden()
    assert idle_view.state.text() == ("The summary ran past its time limit; the model's "
                                      "unfinished text was removed.")
    assert not idle_view.facts_only.isHidden()


def test_a_failed_extractive_job_offers_nothing_it_already_was(idle_view):
    idle_view.with_model = False
    idle_view.link.job_failed.emit(p.JobFailed("j1", p.ErrorInfo("CANCELLED", "cancelled")))
    assert idle_view.state.text() == "Cancelled."
    assert idle_view.facts_only.isHidden()


def test_an_overview_cut_by_its_time_limit_is_said_so(idle_view):
    idle_view.show_summary(p.StoredSummary(
        "S-1", None, ("d",), SMOLLM2, "",
        p.SummaryContent(SMOLLM2, grounding=p.Grounding(outcome="timeout")), ""))
    assert idle_view.state.text().startswith(
        f"{SMOLLM2} did not finish in time; its text was removed and the summary shows the "
        "extracted facts only.")


def test_other_jobs_progress_does_not_rename_the_model(idle_view):
    got: list[str] = []
    idle_view.generating.connect(got.append)
    idle_view.link.job_progress.emit(p.JobProgress("other", "summarize", "x", 0, 1,
                                                   {"model": SMOLLM2, "skipped": []}))
    idle_view.link.job_progress.emit(p.JobProgress("j1", "summarize", "Writing…", 0, 1,
                                                   {"model": SMOLLM2, "skipped": []}))
    assert got == [SMOLLM2] and idle_view.state.text() == "Writing…"


MODELS = [
    p.ModelInfo(PHI3, "summary", "gguf", is_default=True, installed=False, chain=0),
    p.ModelInfo(SMOLLM2, "summary", "gguf", is_default=False, installed=True, chain=None),
    p.ModelInfo("extractive", "summary", "fallback", is_default=False, installed=True,
                chain=1),
    p.ModelInfo("whisper-base", "transcription", "whisper", is_default=True, installed=True,
                chain=0),
]


@pytest.mark.parametrize(("models", "choice", "text"), [
    (MODELS, "__chain__", f"{PHI3} is not installed; the summary will be built from the "
                          "extracted facts only."),
    (MODELS, SMOLLM2, f"The overview will be written by {SMOLLM2}."),
    (MODELS, PHI3, f"{PHI3} is not installed; the summary will be built from the extracted "
                   "facts only."),
    (MODELS, EXTRACTIVE, FACTS_ONLY),
    ([replace(m, installed=True) for m in MODELS], "__chain__",
     f"The overview will be written by {PHI3}."),
    ([], "__chain__", ""),  # the list has not arrived
])
def test_the_plan_follows_the_chain(models, choice, text):
    assert planned_text(models, choice) == text
