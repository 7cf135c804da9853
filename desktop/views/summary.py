"""A record's summary: generated as a job, its text streamed in as the model writes it,
cancellable; the finished summary lists its sections with citations that jump to the source."""

from __future__ import annotations

import bisect
import dataclasses
import functools
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from desktop.engine_link import EngineLink
from desktop.messages import describe
from desktop.qt import QtCore, QtGui, QtWidgets, Signal
from desktop.theme import hint_colour, is_dark, phi_colour
from desktop.time_format import local_time
from desktop.views.phi_text import STAND_IN_LEGEND, STAND_INS, TAGS, shown_value, type_name
from desktop.widgets import button
from engine import protocol as p

CHAIN = "__chain__"  # the configured fallback chain: best installed model first
EXTRACTIVE = "__extractive__"
EXTRACTIVE_MODEL = "extractive"  # the engine's name for "no model wrote"


def citation_href(cite: p.Citation) -> str:
    return f"cite:{cite.document_id}:{cite.start}:{cite.end}"


def parse_citation(href: str) -> tuple[str, int, int] | None:
    parts = href.split(":")
    if len(parts) != 4 or parts[0] != "cite":
        return None
    try:
        return parts[1], int(parts[2]), int(parts[3])
    except ValueError:
        return None


# Sections that say nothing when empty ("no possible problems" is no finding): left out.
OPTIONAL_SECTIONS = ("possible_problems", "stopped_medications", "checks")
FACTS_ONLY = "Built from the extracted facts only; no model writes."
# What the window says once the model's unfinished text is gone, by why the job ended.
_STOPPED = {"CANCELLED": "Summary cancelled", "TIMEOUT": "The summary ran past its time limit"}


def planned_text(models: Sequence[p.ModelInfo], choice: str) -> str:
    """Before Generate: the model that will write, as the engine's chain will pick it (the
    chosen model, then the chain in order, skipping any whose file is missing)."""
    if choice == EXTRACTIVE:
        return FACTS_ONLY
    summary = {m.name: m for m in models if m.task == "summary"}
    if not summary:
        return ""  # the list has not arrived yet
    chain = sorted((m for m in summary.values() if m.chain is not None),
                   key=lambda m: m.chain or 0)
    first = [summary[choice]] if choice in summary else []
    missing = []
    for model in [*first, *(m for m in chain if m.name != choice)]:
        if not model.installed:
            missing.append(f"{model.name} is not installed")
        elif model.backend == "fallback":
            return "; ".join([*missing, "the summary will be built from the extracted "
                              "facts only."]) if missing else FACTS_ONLY
        else:
            will = f"the overview will be written by {model.name}."
            return "; ".join([*missing, will]) if missing else will[:1].upper() + will[1:]
    return "; ".join([*missing, "the summary will be built from the extracted facts only."])


STREAM_SHOW_MS = 150  # the stream is shown again at most this often
_SHORTEST = 3  # shorter stand-ins ("MA", "90") would mark ordinary words and numbers


@dataclass(frozen=True)
class StandInMarker:
    """Marks the record's replaced values wherever they recur in summary text: as a tag or
    as a badged stand-in, the same as the document view."""

    types: Mapping[str, str]  # replaced value -> its PHI type
    pattern: re.Pattern[str] | None
    mode: str
    dark: bool

    @classmethod
    def of(cls, stand_ins: Sequence[p.StandIn], mode: str, dark: bool) -> StandInMarker:
        types = {s.text: s.type for s in stand_ins if len(s.text) >= _SHORTEST}
        values = sorted(types, key=len, reverse=True)  # the longest value wins an overlap
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, values)) + r")(?!\w)"
                             ) if values else None
        return cls(types, pattern, mode, dark)

    def plain(self, text: str) -> tuple[str, tuple[str, ...]]:
        """The text with its replaced values as shown in ``mode`` (a table cell), and the
        PHI types of those found."""
        if self.pattern is None:
            return text, ()
        found: list[str] = []

        def shown(match: re.Match[str]) -> str:
            found.append(self.types[match.group()])
            return shown_value(found[-1], match.group(), self.mode)

        return self.pattern.sub(shown, text), tuple(found)

    def settled(self, text: str) -> int:
        """How much of text still being written can be shown: all but a tail that may be
        the start of a replaced value (shown untagged, its first half would look real)."""
        values = self._sorted
        longest = max(map(len, values), default=0)
        for i in range(max(0, len(text) - longest + 1), len(text)):
            if i and (text[i - 1].isalnum() or text[i - 1] == "_"):
                continue  # the pattern matches a value only where a word starts
            tail = text[i:]
            at = bisect.bisect_left(values, tail)
            at += at < len(values) and values[at] == tail  # a longer value may follow it
            if at < len(values) and values[at].startswith(tail):
                return i
        return len(text)

    @functools.cached_property
    def _sorted(self) -> list[str]:
        return sorted(self.types)

    def html(self, text: str) -> str:
        if self.pattern is None:
            return html.escape(text)
        out, cursor = [], 0
        for found in self.pattern.finditer(text):
            phi_type = self.types[found.group()]
            style = f"background-color:{phi_colour(phi_type, self.dark).name()};"
            if self.mode == STAND_INS:
                style += "font-weight:600;text-decoration:underline;"
            out += [html.escape(text[cursor:found.start()]),
                    f"<span style='{style}' title='{html.escape(type_name(phi_type))} "
                    f"(replaced)'>{html.escape(shown_value(phi_type, found.group(), self.mode))}"
                    "</span>"]
            cursor = found.end()
        out.append(html.escape(text[cursor:]))
        return "".join(out)


def _item_html(item: p.SummaryItem, marker: StandInMarker) -> str:
    links = " ".join(
        f"<a href='{citation_href(c)}' title='Show the source'>[{n}]</a>"
        for n, c in enumerate(item.citations, start=1))
    text = marker.html(item.text)
    if item.source:  # a guideline check: the facts it used and where the rule is from
        uses = "; ".join(marker.html(u) for u in item.uses)
        text += f"<br><small>Based on: {uses}.<br>Source: {html.escape(item.source)}</small>"
    return f"<li>{text} <small>{links}</small></li>"


def summary_html(stored: p.StoredSummary, mode: str = TAGS, dark: bool = False) -> str:
    """Sections in display order; each item with numbered links to where it came from, and
    its replaced values marked (``mode``: TAGS or STAND_INS, as in the document view)."""
    content = stored.content
    sections = content.sections
    marker = StandInMarker.of(stored.stand_ins, mode, dark)
    out = ["<html><body>"]
    if mode == STAND_INS:
        out.append(f"<p><b>{html.escape(STAND_IN_LEGEND)}</b></p>")
    for name, title in p.SUMMARY_SECTIONS.items():
        items = sections.get(name, ())
        if not items and name in OPTIONAL_SECTIONS:
            continue
        out.append(f"<h3>{html.escape(title)}</h3>")
        if not items:
            out.append("<p class='hint'>None recorded.</p>")
            continue
        out.append("<ul>" + "".join(_item_html(item, marker) for item in items) + "</ul>")
    model = stored.model
    # The engine states what happened to the overview; summaries stored before it did
    # only counted what was left out.
    note = html.escape(content.footer or (
        "Built from the extracted data only." if model == "extractive" else
        f"Overview written by {model}; "
        f"{content.grounding.dropped} unsupported statement(s) left out."))
    out.append(f"<p class='hint'><i>{note}</i></p></body></html>")
    return "".join(out)


class SummaryView(QtWidgets.QWidget):
    citation_clicked = Signal(str, int, int)  # document id, start, end
    job_started = Signal(object)  # p.JobInfo, for the job panel
    generating = Signal(str)  # the model writing now; "" when none is

    def __init__(self, link: EngineLink, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.link = link
        self.record_id: str | None = None
        self.job_id: str | None = None
        self.mode = TAGS
        self._stored: p.StoredSummary | None = None  # the summary on screen
        self.models: list[p.ModelInfo] = []
        self.with_model = False  # whether the running job asked for a model
        self.model = QtWidgets.QComboBox()
        self.model.setAccessibleName("Summary model")
        self.model.setToolTip("Which model writes the overview")
        self.model.addItem("Best installed model", CHAIN)
        self.model.addItem("Extracted facts only (no model)", EXTRACTIVE)
        self.generate = button("Generate summary", "Summarize every document of this record",
                               self.start, "summary", "Ctrl+G")
        self.generate.setProperty("primary", True)
        self.cancel = button("Cancel", "", self.stop, "cancel", name="Cancel summary")
        self.cancel.setEnabled(False)
        self.facts_only = button("Extracted facts only", "Build the summary from the extracted "
                                 "facts, without a model", lambda: self.start(EXTRACTIVE),
                                 name="Summary from the extracted facts only")
        self.facts_only.hide()
        self.plan = QtWidgets.QLabel("")
        self.plan.setProperty("role", "subtitle")
        self.plan.setWordWrap(True)
        self.plan.setAccessibleName("Model that will write the summary")
        self.state = QtWidgets.QLabel("Choose a record or document, then generate its summary.")
        self.state.setProperty("role", "subtitle")
        self.state.setAccessibleName("Summary status")
        # The model's text as it comes, its replaced values marked as in the finished summary;
        # nothing of it is shown before the record's replaced values are known.
        self.stream = QtWidgets.QTextEdit(readOnly=True)
        self._streamed = ""
        self._stream_marker: StandInMarker | None = None
        # Pieces arriving close together are shown together: marking scans the whole text.
        self._stream_soon = QtCore.QTimer(self, singleShot=True, interval=STREAM_SHOW_MS)
        self._stream_soon.timeout.connect(self._show_stream)
        self.stream.setAccessibleName("Summary being written")
        self.stream.setPlaceholderText("The model's statements appear here as they are "
                                       "written; only those that pass the check are kept.")
        self.stream.setMaximumHeight(140)
        self.stream.hide()
        self.result = QtWidgets.QTextBrowser()
        self.result.setAccessibleName("Summary")
        self.result.setOpenLinks(False)
        # Notes in the scheme's hint colour (AA contrast), not a fixed grey.
        hint = hint_colour(self).name()
        self.result.document().setDefaultStyleSheet(f".hint {{ color: {hint} }}")
        self.result.anchorClicked.connect(self._anchor)
        controls = QtWidgets.QHBoxLayout()
        controls.addWidget(self.model, 1)
        controls.addWidget(self.generate)
        controls.addWidget(self.cancel)
        stopped = QtWidgets.QHBoxLayout()
        stopped.addWidget(self.state, 1)
        stopped.addWidget(self.facts_only)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.plan)
        layout.addLayout(stopped)
        layout.addWidget(self.stream)
        layout.addWidget(self.result, 1)
        self.model.currentIndexChanged.connect(self._show_plan)
        link.job_progress.connect(self._progress)
        link.job_text.connect(self._text)
        link.job_finished.connect(self._finished)
        link.job_failed.connect(self._failed)

    def set_models(self, models: Sequence[p.ModelInfo]) -> None:
        """Offer each configured summary model by name, after the chain and before none."""
        self.models = list(models)
        while self.model.count() > 2:
            self.model.removeItem(1)
        for offset, m in enumerate(x for x in models if x.task == "summary"
                                   and x.backend != "fallback"):
            label = m.name if m.installed else f"{m.name} (not installed)"
            self.model.insertItem(1 + offset, label, m.name)
        self._show_plan()

    def _show_plan(self) -> None:
        self.plan.setText(planned_text(self.models, self.model.currentData()))

    def set_record(self, record_id: str | None) -> None:
        if record_id == self.record_id:
            return
        self.record_id = record_id
        self._stored = None
        self.result.clear()
        self._drop_model_text()
        self.generate.setEnabled(record_id is not None and self.job_id is None)
        self.state.setText("Generate a summary of this record." if record_id else
                           "Choose a record or document, then generate its summary.")

    def start(self, choice: str | None = None) -> None:
        """Generate with the chosen model, or ``choice`` (the facts-only offer)."""
        if not self.record_id or self.job_id:
            return
        choice = choice or self.model.currentData()
        request = p.Summarize(record_id=self.record_id,
                              model=None if choice in (CHAIN, EXTRACTIVE) else choice,
                              use_model=choice != EXTRACTIVE)
        self.with_model = choice != EXTRACTIVE
        self.generate.setEnabled(False)
        self.facts_only.hide()
        self.state.setText("Queued…")
        self._drop_model_text()
        self._stream_marker = None  # the record's replaced values are asked for again
        self.result.clear()
        self._stored = None
        self.link.call(request).success(self._accepted).failure(self._refused).run()
        if self.with_model:
            record_id = self.record_id
            self.link.call(p.GetRecordFacts(record_id=record_id, entities=False)) \
                .success(lambda facts: self.mark_stream(facts.stand_ins)
                         if record_id == self.record_id else None) \
                .failure(lambda _e: None).run()  # the stream stays hidden; the summary comes

    def _accepted(self, job: p.JobInfo) -> None:
        self.job_id = job.id
        self.cancel.setEnabled(True)
        self.state.setText("Writing the summary…")
        self.job_started.emit(job)

    def _refused(self, error: p.ErrorInfo) -> None:
        self.generate.setEnabled(self.record_id is not None)
        self.state.setText(describe(error))

    def stop(self) -> None:
        if self.job_id:
            self.cancel.setEnabled(False)
            self._drop_model_text()  # unchecked and unfinished: gone at once
            self.state.setText("Cancelling…")
            self.link.call(p.CancelJob(job_id=self.job_id)).failure(self._refused).run()

    def _progress(self, event: p.JobProgress) -> None:
        """The engine names the model once it is chosen (and why another was passed over)."""
        detail = event.detail
        if event.job_id != self.job_id or "model" not in detail:
            return
        self.state.setText(event.label)
        self.generating.emit("" if detail["model"] == EXTRACTIVE_MODEL else detail["model"])

    def _text(self, event: p.JobText) -> None:
        if event.job_id != self.job_id or not self.cancel.isEnabled():
            return  # after Cancel, late pieces are not shown again
        self._streamed += event.text
        if not self._stream_soon.isActive():
            self._stream_soon.start()

    def mark_stream(self, stand_ins: Sequence[p.StandIn]) -> None:
        """The record's replaced values: the stream is shown from now on, marked with them."""
        self._stream_marker = StandInMarker.of(
            stand_ins, self.mode, is_dark(QtWidgets.QApplication.instance()))
        self._show_stream()

    def _show_stream(self) -> None:
        marker = self._stream_marker
        if marker is None or not self._streamed:
            return
        # Shown again whole: a value may have come in two pieces (a summary is short).
        shown = marker.html(self._streamed[:marker.settled(self._streamed)])
        self.stream.setHtml(f"<div style='white-space:pre-wrap'>{shown}</div>")
        self.stream.show()
        self.stream.moveCursor(QtGui.QTextCursor.MoveOperation.End)
        self.stream.ensureCursorVisible()

    def _finished(self, event: p.JobFinished) -> None:
        if event.job_id != self.job_id:
            return
        self._done()
        self.state.setText("Loading the summary…")
        self.link.call(p.GetSummary(summary_id=event.result["summary_id"])) \
            .success(self.show_summary).failure(self._refused).run()

    def _failed(self, event: p.JobFailed) -> None:
        if event.job_id != self.job_id:
            return
        self._done()
        self._drop_model_text()  # unchecked model text is never left on screen
        stopped = _STOPPED.get(event.error.code)
        if stopped and self.with_model:
            self.state.setText(f"{stopped}; the model's unfinished text was removed.")
        else:
            self.state.setText(describe(event.error))
        # What always works is offered when a model's summary did not come.
        self.facts_only.setVisible(self.with_model and self.record_id is not None)

    def _drop_model_text(self) -> None:
        self._stream_soon.stop()
        self._streamed = ""
        self.stream.clear()
        self.stream.hide()

    def _done(self) -> None:
        self.job_id = None
        self.generating.emit("")
        self.cancel.setEnabled(False)
        self.generate.setEnabled(self.record_id is not None)

    def show_summary(self, stored: p.StoredSummary) -> None:
        self._drop_model_text()
        self._stored = stored
        cut = (f"{stored.model} did not finish in time; its text was removed and the "
               "summary shows the extracted facts only. "
               if stored.content.grounding.outcome == "timeout" else "")
        self.state.setText(f"{cut}Summary of {len(stored.document_ids)} "
                           f"document(s), {local_time(stored.created_at)}. Click a "
                           "[number] to see its source.")
        self.result.setHtml(summary_html(stored, self.mode,
                                         is_dark(QtWidgets.QApplication.instance())))

    def set_display(self, mode: str) -> None:
        """TAGS or STAND_INS (setting display.replaced_values); the summary on screen is
        shown again in it."""
        self.mode = mode
        if self._stream_marker is not None:
            self._stream_marker = dataclasses.replace(self._stream_marker, mode=mode)
            self._show_stream()
        if self._stored is not None:
            self.show_summary(self._stored)

    def _anchor(self, url: QtCore.QUrl) -> None:
        target = parse_citation(url.toString())
        if target is not None:
            self.citation_clicked.emit(*target)
