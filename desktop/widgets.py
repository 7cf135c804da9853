"""Widgets every view builds the same way: labelled buttons, row tables, a status line.

One definition each, so accessible names, tool tips and shortcuts follow one rule."""

from __future__ import annotations

from collections.abc import Callable

from desktop.messages import describe
from desktop.qt import Qt, QtGui, QtWidgets
from desktop.theme import icon
from engine import protocol as p

MARGINS = (12, 12, 12, 12)


def button(text: str, tip: str, slot: Callable[[], None], icon_name: str | None = None,
            shortcut: str | None = None) -> QtWidgets.QPushButton:
    widget = QtWidgets.QPushButton(text)
    if icon_name:
        widget.setIcon(icon(icon_name))
    widget.setAccessibleName(text.replace("&", "").rstrip("…"))
    if shortcut:
        widget.setShortcut(QtGui.QKeySequence(shortcut))
        tip += f" ({shortcut})"
    widget.setToolTip(tip)
    widget.clicked.connect(slot)
    return widget


def error_details(error: p.ErrorInfo) -> str:
    """The error's details as "key: value" text (they carry no PHI: ids, keys, paths)."""
    return ", ".join(f"{k}: {v}" for k, v in error.details.items() if v not in (None, ""))


class StatusLine(QtWidgets.QLabel):
    """One calm line under a tab: what is happening, what worked, or what failed and why."""

    def __init__(self, name: str) -> None:
        super().__init__("")
        self.setWordWrap(True)
        self.setAccessibleName(name)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def _show(self, role: str, text: str) -> None:
        self.setProperty("role", role)
        self.style().polish(self)
        self.setText(text)

    def info(self, text: str) -> None:
        self._show("subtitle", text)

    def ok(self, text: str) -> None:
        self._show("ok", text)

    def bad(self, text: str) -> None:
        self._show("bad", text)

    def warn(self, text: str) -> None:
        self._show("error", text)

    def failed(self, doing: str, error: p.ErrorInfo) -> None:
        extra = error_details(error)
        self._show("error", f"{doing} failed. {describe(error)}" + (f" — {extra}" if extra else ""))


def table(headers: tuple[str, ...], widths: tuple[int, ...], name: str) -> QtWidgets.QTableWidget:
    table = QtWidgets.QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    for column, width in enumerate(widths):
        table.setColumnWidth(column, width)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def row_layout(*widgets: QtWidgets.QWidget) -> QtWidgets.QHBoxLayout:
    row = QtWidgets.QHBoxLayout()
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch(1)
    return row
