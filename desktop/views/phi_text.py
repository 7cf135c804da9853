"""Scrubbed text with every PHI replacement highlighted by type. Hovering a highlight names
its type; the original value is never in the desktop process to show."""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from typing import Any

from desktop.qt import Qt, QtCore, QtGui, QtWidgets
from desktop.theme import PHI_COLOURS, is_dark, phi_colour

_TYPE_NAMES = {"NAME": "Name", "DATE": "Date", "LOCATION": "Place or address",
               "PHONE": "Phone", "FAX": "Fax", "EMAIL": "E-mail", "SSN": "Social Security no.",
               "MRN": "Medical record no.", "HEALTH_PLAN": "Health plan no.",
               "ACCOUNT": "Account no.", "LICENSE": "Licence no.", "VEHICLE": "Vehicle ID",
               "DEVICE": "Device ID", "URL": "Web address", "IP": "IP address",
               "BIOMETRIC": "Biometric", "PHOTO": "Photo", "ID": "Other identifier",
               "AGE": "Age over 89", "ORGANIZATION": "Organisation"}


def type_name(phi_type: str) -> str:
    return _TYPE_NAMES.get(phi_type, phi_type.replace("_", " ").title())


class PhiLegend(QtWidgets.QWidget):
    """The colour key, with a count per type present in the document."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QtWidgets.QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.setAccessibleName("PHI highlight legend")

    def show_counts(self, counts: Mapping[str, int]) -> None:
        while self._layout.count():
            widget = self._layout.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        dark = is_dark(QtWidgets.QApplication.instance())
        total = sum(counts.values())
        heading = QtWidgets.QLabel(f"{total} replacement(s):" if total else
                                   "No protected health information was found.")
        self._layout.addWidget(heading)
        for phi_type in sorted(counts, key=lambda t: (t not in PHI_COLOURS, t)):
            chip = QtWidgets.QLabel(f" {type_name(phi_type)} · {counts[phi_type]} ")
            colour = phi_colour(phi_type, dark).name()
            chip.setStyleSheet(f"background: {colour}; border-radius: 4px; padding: 1px 4px;")
            chip.setToolTip(f"{counts[phi_type]} {type_name(phi_type).lower()} value(s) "
                            "replaced")
            self._layout.addWidget(chip)
        self._layout.addStretch(1)


class PhiTextView(QtWidgets.QTextBrowser):
    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Scrubbed document text")
        self.setOpenLinks(False)
        self.setMouseTracking(True)
        self.setFont(QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.GeneralFont))
        self._starts: list[int] = []
        self._spans: list[Mapping[str, Any]] = []

    def show_text(self, text: str, spans: Sequence[Mapping[str, Any]]) -> dict[str, int]:
        """Show the text and highlight the spans; returns the count per PHI type."""
        self.setPlainText(text)
        self._spans = sorted(spans, key=lambda s: s["start"])
        self._starts = [s["start"] for s in self._spans]
        dark = is_dark(QtWidgets.QApplication.instance())
        counts: dict[str, int] = {}
        for span in self._spans:
            counts[span["type"]] = counts.get(span["type"], 0) + 1
            cursor = QtGui.QTextCursor(self.document())
            cursor.setPosition(span["start"])
            cursor.setPosition(span["end"], QtGui.QTextCursor.MoveMode.KeepAnchor)
            fmt = QtGui.QTextCharFormat()
            fmt.setBackground(phi_colour(span["type"], dark))
            cursor.mergeCharFormat(fmt)
        self.moveCursor(QtGui.QTextCursor.MoveOperation.Start)
        return counts

    def span_at(self, position: int) -> Mapping[str, Any] | None:
        i = bisect.bisect_right(self._starts, position) - 1
        if i >= 0 and self._spans[i]["start"] <= position < self._spans[i]["end"]:
            return self._spans[i]
        return None

    def jump_to(self, start: int, end: int) -> None:
        """Select and reveal a cited span (from a summary citation or a clinical table)."""
        length = self.document().characterCount() - 1
        start, end = max(0, min(start, length)), max(0, min(end, length))
        cursor = self.textCursor()
        cursor.setPosition(start)
        cursor.setPosition(end, QtGui.QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def event(self, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.ToolTip:
            help_event: QtGui.QHelpEvent = event  # type: ignore[assignment]
            position = self.cursorForPosition(help_event.pos()).position()
            span = self.span_at(position)
            if span is not None:
                QtWidgets.QToolTip.showText(help_event.globalPos(),
                                            f"{type_name(span['type'])} (replaced)", self)
            else:
                QtWidgets.QToolTip.hideText()
            return True
        return super().event(event)
