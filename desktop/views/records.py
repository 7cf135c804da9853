"""Records and their documents, with search and a kind filter."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from desktop.qt import Qt, QtWidgets, Signal
from desktop.theme import icon

_KIND_NAMES = {"pdf": "PDF", "docx": "Word", "image": "Scan", "text": "Text", "audio": "Audio",
               "dictation": "Dictation", "fhir": "FHIR", "ccda": "C-CDA", "ehr": "EHR JSON"}
RECORD, DOCUMENT = 1, 2
_ROLE_KIND = Qt.ItemDataRole.UserRole + 1


class RecordsPanel(QtWidgets.QWidget):
    document_selected = Signal(str)  # document id
    record_selected = Signal(str)  # record id

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
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
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty)
        self.search.textChanged.connect(self._filter)
        self.kind.currentIndexChanged.connect(self._filter)
        self.tree.currentItemChanged.connect(self._selected)
        self._records: dict[str, QtWidgets.QTreeWidgetItem] = {}

    def populate(self, records: Sequence[Mapping[str, Any]],
                 docs: Sequence[Mapping[str, Any]]) -> None:
        """Rebuild from the engine's lists, keeping the selection and expanded records."""
        current = self.current_id()
        expanded = {rid for rid, item in self._records.items() if item.isExpanded()}
        self.tree.blockSignals(True)
        self.tree.clear()
        self._records = {}
        by_record: dict[str, list[Mapping[str, Any]]] = {}
        for doc in docs:
            by_record.setdefault(doc["record_id"], []).append(doc)
        for record in records:
            item = QtWidgets.QTreeWidgetItem(self.tree)
            count = record.get("document_count", 0)
            item.setText(0, f"{record['pseudonym'] or record['id']}")
            item.setToolTip(0, f"Record {record['id']} · {count} document(s)")
            item.setText(1, f"{count} doc{'s' if count != 1 else ''}")
            item.setText(2, record["created_at"][5:16].replace("T", " "))
            item.setIcon(0, icon("record_folder"))
            item.setData(0, Qt.ItemDataRole.UserRole, record["id"])
            item.setData(0, _ROLE_KIND, RECORD)
            self._records[record["id"]] = item
            for doc in by_record.get(record["id"], ()):
                child = QtWidgets.QTreeWidgetItem(item)
                child.setText(0, doc["source_name"])
                child.setToolTip(0, f"{doc['source_name']} · {doc['page_count']} page(s), "
                                    f"{doc['ocr_pages']} read by OCR · {doc['id']}")
                child.setText(1, _KIND_NAMES.get(doc["kind"], doc["kind"]))
                child.setData(1, Qt.ItemDataRole.UserRole, doc["kind"])
                child.setText(2, doc["created_at"][5:16].replace("T", " "))
                child.setIcon(0, icon("document"))
                child.setData(0, Qt.ItemDataRole.UserRole, doc["id"])
                child.setData(0, _ROLE_KIND, DOCUMENT)
            item.setExpanded(record["id"] in expanded or len(records) <= 8)
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

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
