"""Audit entries as a sortable table model, and one entry as text."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass

from desktop.qt import Qt, QtCore, QtGui
from desktop.time_format import local_time
from engine import protocol as p


@dataclass(frozen=True)
class _Column:
    title: str
    cell: Callable[[p.AuditEntry], str]
    width: int
    # What the column sorts by, when not its text: the stored UTC time, not its local
    # rendering (a DST change repeats an hour).
    order: Callable[[p.AuditEntry], str] | None = None


AUDIT_COLUMNS = (
    _Column("Time (local)", lambda e: local_time(e.timestamp, seconds=True), 150,
            lambda e: e.timestamp),
    _Column("User", lambda e: e.user_id or "", 100),
    _Column("Action", lambda e: e.action, 150),
    _Column("Resource", lambda e: " ".join(v for v in (e.resource_type, e.resource_id) if v),
            170),
    _Column("PHI", lambda e: "yes" if e.phi_accessed else "", 50),
    _Column("Status", lambda e: e.response_status, 80),
    _Column("Workstation", lambda e: e.workstation, 110),
    _Column("Error", lambda e: e.error_message or "", 80),
)


class AuditModel(QtCore.QAbstractTableModel):
    """Audit entries as rows; cells are formatted on demand, so 10,000 rows cost little."""

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.entries: list[p.AuditEntry] = []
        self._order = (0, Qt.SortOrder.DescendingOrder)

    def set_entries(self, entries: list[p.AuditEntry]) -> None:
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
        spec = AUDIT_COLUMNS[column]
        by = spec.order or spec.cell
        self.entries.sort(key=lambda e: (by(e), e.id),
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
            return AUDIT_COLUMNS[index.column()].cell(entry)
        if role == Qt.ItemDataRole.ForegroundRole and entry.response_status != "success":
            return QtGui.QBrush(QtGui.QColor("#c0392b"))
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 4:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


def entry_text(entry: p.AuditEntry) -> str:
    """Every field of one entry, for the detail pane."""
    lines = []
    for key, value in asdict(entry).items():
        if key == "request_data" and value:
            with contextlib.suppress(ValueError):  # not JSON after all: show it as it is
                value = json.dumps(json.loads(value), indent=2, sort_keys=True)
        lines.append(f"{key}: {value}")
    return "\n".join(lines)
