"""Records and their documents, with search and a kind filter; a record found by the
patient's MRN (the engine keeps only a keyed hash of it) and named by a free label."""

from __future__ import annotations

from collections.abc import Sequence

from desktop.engine_link import EngineLink
from desktop.messages import describe
from desktop.qt import Qt, QtGui, QtWidgets, Signal
from desktop.theme import icon
from desktop.time_format import local_time
from engine import protocol as p

_KIND_NAMES = {"pdf": "PDF", "docx": "Word", "image": "Scan", "text": "Text", "audio": "Audio",
               "dictation": "Dictation", "fhir": "FHIR", "ccda": "C-CDA", "ehr": "EHR JSON"}
RECORD, DOCUMENT = 1, 2
_ROLE_KIND = Qt.ItemDataRole.UserRole + 1
LABEL_WARNING = ("A label names the record in this list. Do not put names, dates of birth, "
                 "MRNs or other identifiers in it: use the MRN box to find a patient.")
MRN_NOTE = ("HNTAI keeps no MRN: only a keyed fingerprint of it, so that typing the same MRN "
            "finds this record again.")


def mrn_field(placeholder: str, name: str, tip: str) -> QtWidgets.QLineEdit:
    """A line where an MRN is typed; its tooltip ends with what HNTAI keeps of it."""
    line = QtWidgets.QLineEdit(placeholderText=placeholder)
    line.setAccessibleName(name)
    line.setToolTip(f"{tip} {MRN_NOTE}")
    line.setClearButtonEnabled(True)
    for button in line.findChildren(QtWidgets.QToolButton):
        button.setAccessibleName("Clear MRN")
    return line


def record_title(record: p.RecordInfo) -> str:
    """A record's name in lists: its label when one is set, else its pseudonym."""
    return record.label or record.pseudonym or record.id


class RecordsPanel(QtWidgets.QWidget):
    document_selected = Signal(str)  # document id
    record_selected = Signal(str)  # record id

    changed = Signal()  # a record's label or MRN link changed: the lists are stale

    def __init__(self, link: EngineLink, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.link = link
        self.search = QtWidgets.QLineEdit(placeholderText="Search records and documents")
        self.search.setClearButtonEnabled(True)
        glass = self.search.addAction(icon("search"),
                                      QtWidgets.QLineEdit.ActionPosition.LeadingPosition)
        for button in self.search.findChildren(QtWidgets.QToolButton):  # the edit's own buttons
            button.setAccessibleName("Search" if button.defaultAction() is glass
                                     else "Clear search")
        self.search.setAccessibleName("Search records and documents")
        self.search.setToolTip("Filter by record, pseudonym, file name or status (Ctrl+F)")
        self.kind = QtWidgets.QComboBox()
        self.kind.setAccessibleName("Document kind filter")
        self.kind.addItem("All kinds", None)
        for key, name in _KIND_NAMES.items():
            self.kind.addItem(name, key)
        self.mrn = mrn_field("Find by MRN", "Find by MRN",
                             "Type the patient's MRN and press Enter: the record linked to it "
                             "is selected (exact match).")
        self.mrn_state = QtWidgets.QLabel("")
        self.mrn_state.setProperty("role", "subtitle")
        self.mrn_state.setAccessibleName("Find by MRN result")
        self.mrn_state.setWordWrap(True)
        self.mrn_state.hide()
        self.tree = QtWidgets.QTreeWidget()
        self.tree.setHeaderLabels(("Record / document", "Kind", "Added"))
        self.tree.setAccessibleName("Records and documents")
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        self.empty = QtWidgets.QLabel("No records yet. Drop documents to start.")
        self.empty.setProperty("role", "subtitle")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        filters = QtWidgets.QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.kind)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.mrn)
        layout.addWidget(self.mrn_state)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty)
        self.search.textChanged.connect(self._filter)
        self.kind.currentIndexChanged.connect(self._filter)
        self.tree.currentItemChanged.connect(self._selected)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.label_action = self._record_action("Set label…", "Name this record in the list",
                                                self.ask_label)
        self.mrn_action = self._record_action("Link MRN…", "Link this record and the patient's "
                                              "MRN, to find it again", self.ask_mrn)
        self.mrn.returnPressed.connect(self.find_mrn)
        self._records: dict[str, QtWidgets.QTreeWidgetItem] = {}
        self._titles: dict[str, p.RecordInfo] = {}
        self._select_next: str | None = None  # found by MRN before the list had it

    def populate(self, records: Sequence[p.RecordInfo],
                 docs: Sequence[p.DocumentInfo]) -> None:
        """Rebuild from the engine's lists, keeping the selection and expanded records."""
        current, self._select_next = self._select_next or self.current_id(), None
        expanded = {rid for rid, item in self._records.items() if item.isExpanded()}
        self.tree.blockSignals(True)
        self.tree.clear()
        self._records, self._titles = {}, {}
        by_record: dict[str, list[p.DocumentInfo]] = {}
        for doc in docs:
            by_record.setdefault(doc.record_id, []).append(doc)
        for record in records:
            item = QtWidgets.QTreeWidgetItem(self.tree)
            count = record.document_count
            item.setText(0, record_title(record))
            linked = " · MRN linked" if record.mrn_linked else ""
            item.setToolTip(0, f"{record.pseudonym} · record {record.id} · "
                               f"{count} document(s){linked}")
            item.setText(1, f"{count} doc{'s' if count != 1 else ''}")
            item.setText(2, local_time(record.created_at))
            item.setIcon(0, icon("record_folder"))
            item.setData(0, Qt.ItemDataRole.UserRole, record.id)
            item.setData(0, _ROLE_KIND, RECORD)
            self._records[record.id] = item
            self._titles[record.id] = record
            for doc in by_record.get(record.id, ()):
                child = QtWidgets.QTreeWidgetItem(item)
                child.setText(0, doc.source_name)
                child.setToolTip(0, f"{doc.source_name} · {doc.page_count} page(s), "
                                    f"{doc.ocr_pages} read by OCR · {doc.id}")
                child.setText(1, _KIND_NAMES.get(doc.kind, doc.kind))
                child.setData(1, Qt.ItemDataRole.UserRole, doc.kind)
                child.setText(2, local_time(doc.created_at))
                child.setIcon(0, icon("document"))
                child.setData(0, Qt.ItemDataRole.UserRole, doc.id)
                child.setData(0, _ROLE_KIND, DOCUMENT)
            item.setExpanded(record.id in expanded or len(records) <= 8)
        self.tree.blockSignals(False)
        self.empty.setVisible(not records)
        self._filter()
        if current:
            self.select(current)

    def select(self, item_id: str) -> bool:
        for item in self._iter_items():
            if item.data(0, Qt.ItemDataRole.UserRole) == item_id:
                self.tree.setCurrentItem(item)
                return True
        return False

    def current_id(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item else None

    def current_record_id(self) -> str | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        if item.data(0, _ROLE_KIND) == DOCUMENT:
            item = item.parent()
        return item.data(0, Qt.ItemDataRole.UserRole)

    def _iter_items(self):
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            yield top
            for j in range(top.childCount()):
                yield top.child(j)

    def _filter(self) -> None:
        needle = self.search.text().strip().lower()
        kind = self.kind.currentData()
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            record_text = " ".join(top.text(c) for c in range(3)).lower() + " " + str(
                top.data(0, Qt.ItemDataRole.UserRole)).lower()
            any_child = False
            for j in range(top.childCount()):
                child = top.child(j)
                text = " ".join(child.text(c) for c in range(3)).lower() + " " + str(
                    child.data(0, Qt.ItemDataRole.UserRole)).lower()
                matches = ((not needle or needle in text or needle in record_text)
                           and (kind is None or child.data(1, Qt.ItemDataRole.UserRole) == kind))
                child.setHidden(not matches)
                any_child |= matches
            record_matches = kind is None and (not needle or needle in record_text)
            top.setHidden(not any_child and not record_matches)

    def _selected(self, item: QtWidgets.QTreeWidgetItem | None, _previous) -> None:
        if item is None:
            return
        item_id = item.data(0, Qt.ItemDataRole.UserRole)
        if item.data(0, _ROLE_KIND) == DOCUMENT:
            self.document_selected.emit(item_id)
        else:
            self.record_selected.emit(item_id)

    # --- the MRN and the label --------------------------------------------------------

    def _record_action(self, text: str, tip: str, slot) -> QtGui.QAction:
        action = QtGui.QAction(text, self.tree)
        action.setToolTip(tip)
        action.triggered.connect(slot)
        self.tree.addAction(action)
        return action

    def _say(self, text: str) -> None:
        self.mrn_state.setText(text)
        self.mrn_state.setVisible(bool(text))

    def find_mrn(self) -> None:
        """Select the record linked to the typed MRN; the box is emptied either way, so the
        MRN stays on screen no longer than needed."""
        mrn = self.mrn.text()
        if not mrn.strip():
            return
        self.mrn.clear()
        self.link.call(p.FindRecord(mrn=mrn)).success(self._found) \
            .failure(lambda e: self._say(describe(e))).run()

    def _found(self, record: p.RecordInfo | None) -> None:
        if record is None:
            self._say("No record is linked to this MRN. Select a record and choose "
                      "“Link MRN…” to link one.")
            return
        if not self.select(record.id):
            self._select_next = record.id  # added since the list was loaded
            self.changed.emit()
        self._say(f"Found: {record_title(record)}.")

    def ask_label(self) -> None:
        record_id = self.current_record_id()
        if record_id is None:
            return
        shown = self._titles.get(record_id)
        current = (shown.label or "") if shown else ""
        label, ok = QtWidgets.QInputDialog.getText(
            self, "Record label", f"{LABEL_WARNING}\n\nLabel (empty to remove):",
            text=current)
        if ok:
            self.set_label(record_id, label)

    def set_label(self, record_id: str, label: str) -> None:
        self.link.call(p.SetRecordLabel(record_id=record_id, label=label)) \
            .success(lambda _r: self._changed("Label saved.")) \
            .failure(lambda e: self._say(describe(e))).run()

    def ask_mrn(self) -> None:
        record_id = self.current_record_id()
        if record_id is None:
            return
        mrn, ok = QtWidgets.QInputDialog.getText(
            self, "Link MRN", f"{MRN_NOTE}\n\nPatient's MRN (empty to unlink):")
        if ok:
            self.link_mrn(record_id, mrn)

    def link_mrn(self, record_id: str, mrn: str) -> None:
        self.link.call(p.SetRecordMrn(record_id=record_id, mrn=mrn)) \
            .success(lambda r: self._changed("MRN linked." if r.mrn_linked else
                                             "MRN unlinked.")) \
            .failure(lambda e: self._say(describe(e))).run()

    def _changed(self, text: str) -> None:
        self._say(text)
        self.changed.emit()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
