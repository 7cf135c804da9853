"""Audit entries as a sortable table model, and one entry as text."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from typing import Any

from desktop.qt import Qt, QtCore, QtGui
from desktop.time_format import local_time


@dataclass(frozen=True)
class _Column:
    title: str
    key: str
    width: int


AUDIT_COLUMNS = (
    _Column("Time (local)", "timestamp", 150), _Column("User", "user_id", 100),
    _Column("Action", "action", 150), _Column("Resource", "resource", 170),
    _Column("PHI", "phi_accessed", 50), _Column("Status", "response_status", 80),
    _Column("Workstation", "workstation", 110), _Column("Error", "error_message", 80),
)


class AuditModel(QtCore.QAbstractTableModel):
    """Audit entries as rows; cells are formatted on demand, so 10,000 rows cost little."""

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.entries: list[dict[str, Any]] = []
        self._order = (0, Qt.SortOrder.DescendingOrder)

    def set_entries(self, entries: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.entries = entries
        self._sort_entries()
        self.endResetModel()

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """Sorted in Python with one key per row: a proxy model would call ``data()`` for
        every comparison, seconds of stall on 10,000 rows."""
        self._order = (column, order)
        self.layoutAboutToBeChanged.emit()
        self._sort_entries()
        self.layoutChanged.emit()

    def _sort_entries(self) -> None:
        column, order = self._order
        key = AUDIT_COLUMNS[column].key
        # by the stored UTC time, not its local rendering (a DST change repeats an hour)
        self.entries.sort(key=lambda e: (e[key] if key == "timestamp" else self.cell(e, key),
                                         e["id"]),
                          reverse=order == Qt.SortOrder.DescendingOrder)

    def rowCount(self, parent=QtCore.QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent=QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(AUDIT_COLUMNS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return AUDIT_COLUMNS[section].title
        return None

    def data(self, index: QtCore.QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        entry = self.entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(entry, AUDIT_COLUMNS[index.column()].key)
        if role == Qt.ItemDataRole.ForegroundRole and entry["response_status"] != "success":
            return QtGui.QBrush(QtGui.QColor("#c0392b"))
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 4:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    @staticmethod
    def cell(entry: dict[str, Any], key: str) -> str:
        if key == "timestamp":
            return local_time(entry["timestamp"], seconds=True)
        if key == "resource":
            return " ".join(str(v) for v in (entry["resource_type"], entry["resource_id"]) if v)
        if key == "phi_accessed":
            return "yes" if entry["phi_accessed"] else ""
        return str(entry.get(key) or "")


def entry_text(entry: dict[str, Any]) -> str:
    """Every field of one entry, for the detail pane."""
    lines = []
    for key, value in entry.items():
        if key == "request_data" and value:
            with contextlib.suppress(ValueError):  # not JSON after all: show it as it is
                value = json.dumps(json.loads(value), indent=2, sort_keys=True)
        lines.append(f"{key}: {value}")
    return "\n".join(lines)
