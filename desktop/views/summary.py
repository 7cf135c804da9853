"""A record's summary: generated as a job, its text streamed in as the model writes it,
cancellable; the finished summary lists its sections with citations that jump to the source."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from desktop.engine_link import EngineLink
from desktop.messages import describe
from desktop.qt import QtCore, QtWidgets, Signal
from desktop.theme import icon
from engine import protocol as p

CHAIN = "__chain__"  # the configured fallback chain: best installed model first
EXTRACTIVE = "__extractive__"


def citation_href(cite: Mapping[str, Any]) -> str:
    return f"cite:{cite['document_id']}:{cite['start']}:{cite['end']}"


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


def _item_html(item: Mapping[str, Any]) -> str:
    links = " ".join(
        f"<a href='{citation_href(c)}' title='Show the source'>[{n}]</a>"
        for n, c in enumerate(item.get("citations") or (), start=1))
    text = html.escape(str(item.get("text", "")))
    if item.get("source"):  # a guideline check: the facts it used and where the rule is from
        uses = "; ".join(html.escape(str(u)) for u in item.get("uses") or ())
        text += (f"<br><small>Based on: {uses}.<br>Source: "
                 f"{html.escape(str(item['source']))}</small>")
    return f"<li>{text} <small>{links}</small></li>"


def summary_html(stored: Mapping[str, Any]) -> str:
    """Sections in display order; each item with numbered links to where it came from."""
    content = stored.get("content") or {}
    sections: Mapping[str, list[Mapping[str, Any]]] = content.get("sections") or {}
    out = ["<html><body>"]
    for name, title in p.SUMMARY_SECTIONS.items():
        items = sections.get(name) or []
        if not items and name in OPTIONAL_SECTIONS:
            continue
        out.append(f"<h3>{html.escape(title)}</h3>")
        if not items:
            out.append("<p style='color:gray'>None recorded.</p>")
            continue
        out.append("<ul>" + "".join(_item_html(item) for item in items) + "</ul>")
    grounding = content.get("grounding") or {}
    model = stored.get("model", "")
    # The engine states what happened to the overview; summaries stored before it did
    # only counted what was left out.
    note = html.escape(content.get("footer") or (
        "Built from the extracted data only." if model == "extractive" else
        f"Overview written by {model}; "
        f"{grounding.get('dropped', 0)} unsupported statement(s) left out."))
    out.append(f"<p style='color:gray'><i>{note}</i></p></body></html>")
    return "".join(out)


class SummaryView(QtWidgets.QWidget):
    citation_clicked = Signal(str, int, int)  # document id, start, end
    job_started = Signal(object)  # p.JobInfo, for the job panel

    def __init__(self, link: EngineLink, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.link = link
        self.record_id: str | None = None
        self.job_id: str | None = None
        self.model = QtWidgets.QComboBox()
        self.model.setAccessibleName("Summary model")
        self.model.setToolTip("Which model writes the overview")
        self.model.addItem("Best installed model", CHAIN)
        self.model.addItem("Extracted facts only (no model)", EXTRACTIVE)
        self.generate = QtWidgets.QPushButton(icon("summary"), "Generate summary")
        self.generate.setProperty("primary", True)
        self.generate.setAccessibleName("Generate summary")
        self.generate.setToolTip("Summarize every document of this record (Ctrl+G)")
        self.generate.setShortcut("Ctrl+G")
        self.cancel = QtWidgets.QPushButton(icon("cancel"), "Cancel")
        self.cancel.setAccessibleName("Cancel summary")
        self.cancel.setEnabled(False)
        self.state = QtWidgets.QLabel("Choose a record or document, then generate its summary.")
        self.state.setProperty("role", "subtitle")
        self.state.setAccessibleName("Summary status")
        self.stream = QtWidgets.QPlainTextEdit(readOnly=True)
        self.stream.setAccessibleName("Summary being written")
        self.stream.setPlaceholderText("The model's statements appear here as they are "
                                       "written; only those that pass the check are kept.")
        self.stream.setMaximumHeight(140)
        self.stream.hide()
        self.result = QtWidgets.QTextBrowser()
        self.result.setAccessibleName("Summary")
        self.result.setOpenLinks(False)
        self.result.anchorClicked.connect(self._anchor)
        controls = QtWidgets.QHBoxLayout()
        controls.addWidget(self.model, 1)
        controls.addWidget(self.generate)
        controls.addWidget(self.cancel)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.state)
        layout.addWidget(self.stream)
        layout.addWidget(self.result, 1)
        self.generate.clicked.connect(self.start)
        self.cancel.clicked.connect(self.stop)
        link.job_text.connect(self._text)
        link.job_finished.connect(self._finished)
        link.job_failed.connect(self._failed)

    def set_models(self, models: list[Mapping[str, Any]]) -> None:
        """Offer each configured summary model by name, after the chain and before none."""
        while self.model.count() > 2:
            self.model.removeItem(1)
        for offset, m in enumerate(x for x in models if x.get("task") == "summary"
                                   and x.get("backend") != "fallback"):
            self.model.insertItem(1 + offset, m["name"], m["name"])

    def set_record(self, record_id: str | None) -> None:
        if record_id == self.record_id:
            return
        self.record_id = record_id
        self.result.clear()
        self.stream.clear()
        self.stream.hide()
        self.generate.setEnabled(record_id is not None and self.job_id is None)
        self.state.setText("Generate a summary of this record." if record_id else
                           "Choose a record or document, then generate its summary.")

    def start(self) -> None:
        if not self.record_id or self.job_id:
            return
        choice = self.model.currentData()
        request = p.Summarize(record_id=self.record_id,
                              model=None if choice in (CHAIN, EXTRACTIVE) else choice,
                              use_model=choice != EXTRACTIVE)
        self.generate.setEnabled(False)
        self.state.setText("Queued…")
        self.stream.clear()
        self.result.clear()
        self.link.call(request).success(self._accepted).failure(self._refused).run()

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
            self.state.setText("Cancelling…")
            self.link.call(p.CancelJob(job_id=self.job_id)).failure(self._refused).run()

    def _text(self, event: p.JobText) -> None:
        if event.job_id != self.job_id:
            return
        self.stream.show()
        cursor = self.stream.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        cursor.insertText(event.text)
        self.stream.setTextCursor(cursor)

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
        self.stream.clear()  # unchecked model text is never left on screen
        self.stream.hide()
        self.state.setText(describe(event.error))

    def _done(self) -> None:
        self.job_id = None
        self.cancel.setEnabled(False)
        self.generate.setEnabled(self.record_id is not None)

    def show_summary(self, stored: Mapping[str, Any]) -> None:
        self.stream.hide()
        created = str(stored.get("created_at", ""))[:16].replace("T", " ")
        self.state.setText(f"Summary of {len(stored.get('document_ids', ()))} document(s), "
                           f"{created} UTC. Click a [number] to see its source.")
        self.result.setHtml(summary_html(stored))

    def _anchor(self, url: QtCore.QUrl) -> None:
        target = parse_citation(url.toString())
        if target is not None:
            self.citation_clicked.emit(*target)
