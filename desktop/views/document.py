"""One document under review: scrubbed text with PHI highlights, the clinical tables, its FHIR
export and the summary of its record; or a record: its summary, its clinical tables merged
across its documents and its export. Every read goes through the engine, which audits it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from desktop.engine_link import EngineLink
from desktop.messages import describe
from desktop.qt import QtGui, QtWidgets, Signal
from desktop.time_format import local_time
from desktop.views.clinical import ClinicalTables
from desktop.views.paged_text import PagedPhiText
from desktop.views.phi_text import DeidentifiedBanner, PhiLegend
from desktop.views.summary import SummaryView
from desktop.widgets import button
from engine import protocol as p

TEXT_TAB, CLINICAL_TAB, FHIR_TAB, SUMMARY_TAB = range(4)


class FhirPanel(QtWidgets.QWidget):
    """The FHIR R4 bundle is produced on request only: an export is an audited event."""

    def __init__(self, link: EngineLink, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.link = link
        self.target: str | None = None
        self.show_button = button("Build FHIR bundle", "Export this document's extracted data "
                                  "as FHIR R4 (recorded in the audit log)", self.build, "export")
        self.save_button = button("Save as…", "", self.save, name="Save FHIR bundle")
        self.save_button.setEnabled(False)
        self.state = QtWidgets.QLabel("")
        self.state.setProperty("role", "subtitle")
        self.text = QtWidgets.QPlainTextEdit(readOnly=True)
        self.text.setAccessibleName("FHIR bundle JSON")
        self.text.setFont(QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont))
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.show_button)
        row.addWidget(self.save_button)
        row.addWidget(self.state, 1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.text, 1)

    def set_target(self, target: str | None) -> None:
        self.target = target
        self.text.clear()
        self.state.setText("")
        self.save_button.setEnabled(False)
        self.show_button.setEnabled(target is not None)

    def build(self) -> None:
        if not self.target:
            return
        self.show_button.setEnabled(False)
        self.state.setText("Building…")
        self.link.call(p.Export(target_id=self.target, fmt="fhir")) \
            .success(self._built).failure(self._refused) \
            .always(lambda: self.show_button.setEnabled(True)).run()

    def _built(self, bundle: p.ExportResult) -> None:
        self.text.setPlainText(json.dumps(bundle.content, indent=2))
        self.state.setText(f"{bundle.entries} resources, FHIR R4 Bundle")
        self.save_button.setEnabled(True)

    def _refused(self, error: p.ErrorInfo) -> None:
        self.state.setText(describe(error))

    def save(self) -> None:
        name, _ = QtWidgets.QFileDialog.getSaveFileName(
            self, "Save FHIR bundle", str(Path.home() / f"{self.target}.fhir.json"),
            "FHIR JSON (*.json)")
        if name:
            Path(name).write_text(self.text.toPlainText(), encoding="utf-8")
            self.state.setText("Saved.")


class DocumentView(QtWidgets.QWidget):
    open_document = Signal(str)  # a citation in another document of the record
    summary_started = Signal(object)  # p.JobInfo of a summary job, for the job panel
    generating = Signal(str)  # the model writing a summary now; "" when none is

    def __init__(self, link: EngineLink, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.link = link
        self.document_id: str | None = None
        self._pending_jump: tuple[str, int, int] | None = None  # document, start, end
        self._counts: dict[str, int] = {}  # PHI per type in the whole document shown
        self._shown: str | None = None  # the document whose text is on screen
        self._record: str | None = None  # the record shown without a chosen document
        # The document or record whose facts are asked for or shown. A long document's
        # extraction is most of its content (thousands of entities): it is read, and the
        # clinical tables filled, when their tab is shown, not with the text.
        self._clinical_for: str | None = None
        self.heading = QtWidgets.QLabel("")
        self.heading.setProperty("role", "title")
        self.heading.setAccessibleName("Document title")
        self.facts = QtWidgets.QLabel("")
        self.facts.setProperty("role", "subtitle")
        self.banner = DeidentifiedBanner()  # above every tab: text, data, export, summary
        self.pages = PagedPhiText()
        self.text = self.pages.view  # the page on screen
        self.legend = PhiLegend()
        self.clinical = ClinicalTables()
        self.fhir = FhirPanel(link)
        self.summary = SummaryView(link)
        text_page = QtWidgets.QWidget()
        text_layout = QtWidgets.QVBoxLayout(text_page)
        text_layout.addWidget(self.legend)
        text_layout.addWidget(self.pages, 1)
        self.tabs = QtWidgets.QTabWidget()
        self.tabs.setAccessibleName("Document views")
        self.tabs.addTab(text_page, "Scrubbed text")
        self.tabs.addTab(self.clinical, "Clinical data")
        self.tabs.addTab(self.fhir, "FHIR export")
        self.tabs.addTab(self.summary, "Summary")
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.facts)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        self.tabs.currentChanged.connect(self._tab_shown)
        self.clinical.span_activated.connect(self.show_span)
        self.clinical.mention_activated.connect(self._citation)
        self.summary.citation_clicked.connect(self._citation)
        self.summary.job_started.connect(self.summary_started)
        self.summary.generating.connect(self.generating)

    def load(self, document_id: str) -> None:
        self.document_id = document_id
        self._record = None
        cited = self._pending_jump is not None and self._pending_jump[0] == document_id
        if not cited:
            # The summary shown may be another patient's; a citation's source is in its record.
            self._pending_jump = None
            self.summary.set_record(None)
        self.clear()
        self.heading.setText("Opening…")
        self.link.call(p.GetDocument(document_id=document_id, part="text")) \
            .success(self._show).failure(self._refused).run()

    def show_record(self, record_id: str) -> None:
        """A record without a chosen document: its summary, its clinical data (one row per
        fact across its documents) and its FHIR export."""
        self.document_id = None
        self._pending_jump = None
        self.clear()
        self._record = record_id
        self.heading.setText(f"Record {record_id}")
        self.facts.setText("Summary, clinical data and export of every document in this "
                           "record.")
        self.fhir.set_target(record_id)
        self.summary.set_record(record_id)
        self.tabs.setCurrentIndex(SUMMARY_TAB)

    def _show(self, content: p.DocumentContent) -> None:
        meta = content.meta
        if meta.id != self.document_id:
            return  # the user moved on while it loaded
        self.heading.setText(meta.source_name)
        ocr = f", {meta.ocr_pages} read by OCR" if meta.ocr_pages else ""
        self.facts.setText(f"{meta.kind.upper()} · {meta.page_count} page(s){ocr} · "
                           f"record {meta.record_id} · added {local_time(meta.created_at)}")
        if content.scrubbed_text is None:
            self.pages.set_document("The text of this document was withheld.", p.PhiSpans(),
                                    ())
            self.legend.show_counts(self._counts)
        else:
            self._counts = self.pages.set_document(content.scrubbed_text, content.phi_spans,
                                                   content.pages)
            self.legend.show_counts(self._counts, self.text.mode)
        self.legend.show()
        self._shown = meta.id
        self._tab_shown(self.tabs.currentIndex())
        self.fhir.set_target(meta.id)
        self.summary.set_record(meta.record_id)
        if self._pending_jump is not None and self._pending_jump[0] == meta.id:
            self.show_span(*self._pending_jump[1:])
        self._pending_jump = None

    def set_display(self, mode: str) -> None:
        """How replaced values are shown (setting display.replaced_values), here and in the
        summary; the text on screen is shown again in the new mode."""
        if mode != self.text.mode:
            self.text.set_mode(mode)  # the page on screen; the others are shown in it later
            self.legend.show_counts(self._counts, self.text.mode)
        self.summary.set_display(self.text.mode)
        self.clinical.set_display(self.text.mode)

    def _refused(self, error: p.ErrorInfo) -> None:
        self.heading.setText("This document cannot be shown")
        self.facts.setText(describe(error))

    def clear(self) -> None:
        """Drop the document shown: nothing of it stays on screen or in memory."""
        self.heading.setText("")
        self.facts.setText("")
        self.pages.clear()
        self._counts = {}
        self.legend.hide()  # its "no PHI found" would be a claim about no document
        self._shown = self._clinical_for = self._record = None
        self.clinical.show_extraction(None)
        self.fhir.set_target(None)

    def show_notice(self, title: str, detail: str) -> None:
        """A title and a line of explanation in place of a document (nothing else shown)."""
        self.clear()
        self.heading.setText(title)
        self.facts.setText(detail)

    def set_readable(self, readable: bool, why_not: str = "") -> None:
        """Whether the signed-in role may read documents; ``why_not`` is the tool tip."""
        self.tabs.setEnabled(readable)
        self.setToolTip(why_not)

    def set_models(self, models: list[Mapping[str, Any]]) -> None:
        """The installed models, for the summary's model choice."""
        self.summary.set_models(models)

    def _tab_shown(self, index: int) -> None:
        target = self._shown or self._record
        if index != CLINICAL_TAB or target is None or self._clinical_for == target:
            return
        self._clinical_for = target
        if target == self._record:  # one read of every document's facts, audited once
            self.link.call(p.GetRecordFacts(record_id=target)) \
                .success(self._show_record_facts).failure(self._extraction_refused).run()
            return
        self.link.call(p.GetDocument(document_id=target, part="facts")) \
            .success(self._show_extraction).failure(self._extraction_refused).run()

    def _show_extraction(self, content: p.DocumentContent) -> None:
        if content.meta.id == self._clinical_for:
            self.clinical.show_extraction(content.extraction, content.stand_ins)

    def _show_record_facts(self, facts: p.RecordFacts) -> None:
        if facts.record_id == self._clinical_for:
            self.clinical.show_record_facts(facts)

    def _extraction_refused(self, error: p.ErrorInfo) -> None:
        self._clinical_for = None  # asked again when the tab is shown again
        self.facts.setText(f"The clinical data could not be read: {describe(error)}")

    def show_span(self, start: int, end: int) -> None:
        self.tabs.setCurrentIndex(TEXT_TAB)
        self.pages.jump_to(start, end)

    def _citation(self, document_id: str, start: int, end: int) -> None:
        if document_id == self.document_id:
            self.show_span(start, end)
            return
        self._pending_jump = (document_id, start, end)
        self.open_document.emit(document_id)
