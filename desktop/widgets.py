"""Widgets every view builds the same way: labelled buttons, row tables, a status line.

One definition each, so accessible names, tool tips and shortcuts follow one rule."""

from __future__ import annotations

from collections.abc import Callable

from desktop.messages import describe
from desktop.qt import Qt, QtGui, QtWidgets
from desktop.theme import icon, set_role
from engine import protocol as p

MARGINS = (12, 12, 12, 12)


def button(text: str, tip: str, slot: Callable[[], object], icon_name: str | None = None,
           shortcut: str | None = None, name: str | None = None) -> QtWidgets.QPushButton:
    """A push button; its accessible name is ``name`` or else its text without the mnemonic
    and the ellipsis, and a shortcut is named in its tool tip."""
    widget = QtWidgets.QPushButton(text)
    if icon_name:
        widget.setIcon(icon(icon_name))
    widget.setAccessibleName(name or text.replace("&", "").rstrip("…"))
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
    """One calm line under a tab or panel: what is happening, what worked, or what failed
    and why."""

    def __init__(self, name: str, selectable: bool = True) -> None:
        super().__init__("")
        self.setWordWrap(True)
        self.setAccessibleName(name)
        if selectable:
            self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def _show(self, role: str, text: str) -> None:
        set_role(self, role)
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


def rows_view(view: QtWidgets.QAbstractItemView, name: str) -> None:
    """A read-only table whose rows, not cells, are selected."""
    view.setAccessibleName(name)
    view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setStretchLastSection(True)


def fixed_rows(view: QtWidgets.QTableView) -> None:
    """Fixed, unwrapped row heights: the view never measures every row, so long tables
    scroll smoothly."""
    view.setWordWrap(False)
    view.verticalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Fixed)


def table(headers: tuple[str, ...], widths: tuple[int, ...], name: str) -> QtWidgets.QTableWidget:
    widget = QtWidgets.QTableWidget(0, len(headers))
    widget.setHorizontalHeaderLabels(headers)
    rows_view(widget, name)
    widget.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
    for column, width in enumerate(widths):
        widget.setColumnWidth(column, width)
    return widget


def row_layout(*widgets: QtWidgets.QWidget) -> QtWidgets.QHBoxLayout:
    row = QtWidgets.QHBoxLayout()
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch(1)
    return row
