"""Scrubbed text with every PHI replacement highlighted by type. Hovering a highlight names
its type; the original value is never in the desktop process to show.

How a replaced value is shown is a display choice only (the stored text is unchanged): as a
typed tag (``[NAME]``, ``[DATE shifted: …]``), the default, so that no stand-in can be taken
for the patient's; or, when an admin chose it, as the stand-in in a badge style with a legend
that says it is invented."""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter

from desktop.qt import Qt, QtCore, QtGui, QtWidgets
from desktop.theme import PHI_COLOURS, is_dark, phi_colour
from engine import protocol as p

_TYPE_NAMES = {"NAME": "Name", "DATE": "Date", "LOCATION": "Place or address",
               "PHONE": "Phone", "FAX": "Fax", "EMAIL": "E-mail", "SSN": "Social Security no.",
               "MRN": "Medical record no.", "HEALTH_PLAN": "Health plan no.",
               "ACCOUNT": "Account no.", "LICENSE": "Licence no.", "VEHICLE": "Vehicle ID",
               "DEVICE": "Device ID", "URL": "Web address", "IP": "IP address",
               "BIOMETRIC": "Biometric", "PHOTO": "Photo", "ID": "Other identifier",
               "AGE": "Age over 89", "ORGANIZATION": "Organisation"}


def type_name(phi_type: str) -> str:
    return _TYPE_NAMES.get(phi_type, phi_type.replace("_", " ").title())


# The setting display.replaced_values (engine/store/settings.py) takes these values.
TAGS, STAND_INS = "tags", "stand-ins"
BANNER_TEXT = ("De-identified: names and identifiers are replaced, never the patient's real "
               "ones; dates are moved by one offset per record. Do not contact anyone or date "
               "care from these values.")
STAND_IN_LEGEND = ("Values in a coloured, underlined badge are invented stand-ins, not the "
                   "patient's; dates in them are moved.")
_TAG = re.compile(r"\[[A-Z_]+\]")  # already a tag (redact policy, or no stand-in was made)
_YEAR = re.compile(r"\d{4}")  # Safe Harbor keeps a date's year only: generalised, not moved


def shown_value(phi_type: str, value: str, mode: str) -> str:
    """What the review shows for one replaced value. In tag mode a date keeps its moved value
    inside a tag that says so (intervals between dates stay readable; the offset is never
    known to the desktop)."""
    if mode == STAND_INS or _TAG.fullmatch(value):
        return value
    if phi_type == "DATE":
        if _YEAR.fullmatch(value):
            return f"[DATE year only: {value}]"
        return f"[DATE shifted: {value}]"
    if phi_type == "AGE":
        return f"[AGE {value}]"  # "90+": a generalised age, not an invented one
    return f"[{phi_type}]"


@dataclass(frozen=True)
class ShownSpan:
    """One replaced value: where it is in the stored text and where in the shown text."""

    span: p.PhiSpan
    start: int
    end: int


@dataclass(frozen=True)
class Shown:
    text: str
    spans: tuple[ShownSpan, ...]  # in stored order

    @cached_property
    def _stored_starts(self) -> list[int]:
        return [s.span.start for s in self.spans]

    @cached_property
    def _shown_starts(self) -> list[int]:
        return [s.start for s in self.spans]

    def shown_position(self, stored: int) -> int:
        """A stored-text offset in the shown text; inside a value: its start (or its end
        for any offset past the value's first character)."""
        i = bisect.bisect_right(self._stored_starts, stored) - 1
        if i < 0:
            return stored
        s = self.spans[i]
        if stored < s.span.end:
            return s.start if stored == s.span.start else s.end
        return s.end + stored - s.span.end

    def stored_position(self, shown: int) -> int:
        i = bisect.bisect_right(self._shown_starts, shown) - 1
        if i < 0:
            return shown
        s = self.spans[i]
        if shown < s.end:
            return s.span.start
        return s.span.end + shown - s.end


_BY_START = attrgetter("start")


def render(text: str, spans: Sequence[p.PhiSpan], mode: str) -> Shown:
    """The text as shown in ``mode``, with where each span went (spans must not overlap)."""
    out: list[str] = []
    shown: list[ShownSpan] = []
    cursor = length = 0
    for span in sorted(spans, key=_BY_START):
        out.append(text[cursor:span.start])
        length += span.start - cursor
        value = shown_value(span.type, text[span.start:span.end], mode)
        shown.append(ShownSpan(span, length, length + len(value)))
        out.append(value)
        length += len(value)
        cursor = span.end
    out.append(text[cursor:])
    return Shown("".join(out), tuple(shown))


def badge_format(phi_type: str, mode: str, dark: bool) -> QtGui.QTextCharFormat:
    """A replaced value's look: its type's colour; a stand-in also bold and underlined, so
    that it never reads as ordinary text."""
    fmt = QtGui.QTextCharFormat()
    fmt.setBackground(phi_colour(phi_type, dark))
    if mode == STAND_INS:
        fmt.setFontWeight(QtGui.QFont.Weight.Bold)
        fmt.setUnderlineStyle(QtGui.QTextCharFormat.UnderlineStyle.DashUnderline)
    return fmt


class DeidentifiedBanner(QtWidgets.QLabel):
    """Always shown above a document and a summary."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(BANNER_TEXT, parent)
        self.setWordWrap(True)
        self.setAccessibleName("De-identified view notice")
        self.setStyleSheet("QLabel { background: #fff4cc; color: #4a3b00; border: 1px solid "
                           "#e0c15a; border-radius: 4px; padding: 4px 8px; font-weight: 600; }")


class PhiLegend(QtWidgets.QWidget):
    """The colour key, with a count per type present in the document."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QtWidgets.QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.setAccessibleName("PHI highlight legend")

    def show_counts(self, counts: Mapping[str, int], mode: str = TAGS) -> None:
        while self._layout.count():
            widget = self._layout.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        dark = is_dark(QtWidgets.QApplication.instance())
        total = sum(counts.values())
        stand_ins = mode == STAND_INS and total
        heading = QtWidgets.QLabel(
            "No protected health information was found." if not total else
            f"{total} stand-in(s), invented, not the patient's:" if stand_ins else
            f"{total} replacement(s), shown as [TYPE] tags:")
        heading.setAccessibleName("Replacement legend heading")
        heading.setToolTip(STAND_IN_LEGEND if stand_ins else "")
        self._layout.addWidget(heading)
        for phi_type in sorted(counts, key=lambda t: (t not in PHI_COLOURS, t)):
            chip = QtWidgets.QLabel(f" {type_name(phi_type)} · {counts[phi_type]} ")
            colour = phi_colour(phi_type, dark).name()
            badge = "font-weight: 600; text-decoration: underline;" if stand_ins else ""
            chip.setStyleSheet(f"background: {colour}; border-radius: 4px; padding: 1px 4px;"
                               f"{badge}")
            chip.setToolTip(f"{counts[phi_type]} {type_name(phi_type).lower()} value(s) "
                            "replaced")
            self._layout.addWidget(chip)
        self._layout.addStretch(1)


class PhiTextView(QtWidgets.QTextBrowser):
    """Positions in and out (spans, ``jump_to``, ``span_at``) are offsets in the stored
    scrubbed text; the view maps them to the shown text, whose tags differ in length."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Scrubbed document text")
        self.setOpenLinks(False)
        self.setMouseTracking(True)
        self.setFont(QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.GeneralFont))
        self.mode = TAGS
        self._text = ""
        self._starts: list[int] = []
        self._spans: list[p.PhiSpan] = []
        self.shown = Shown("", ())

    def show_text(self, text: str, spans: Sequence[p.PhiSpan]) -> dict[str, int]:
        """Show the text and highlight the spans; returns the count per PHI type."""
        self._text = text
        self._spans = sorted(spans, key=_BY_START)
        self._starts = [s.start for s in self._spans]
        self.shown = render(text, self._spans, self.mode)
        self.setPlainText(self.shown.text)
        dark = is_dark(QtWidgets.QApplication.instance())
        counts: dict[str, int] = {}
        for placed in self.shown.spans:
            phi_type = placed.span.type
            counts[phi_type] = counts.get(phi_type, 0) + 1
            cursor = QtGui.QTextCursor(self.document())
            cursor.setPosition(placed.start)
            cursor.setPosition(placed.end, QtGui.QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(badge_format(phi_type, self.mode, dark))
        self.moveCursor(QtGui.QTextCursor.MoveOperation.Start)
        return counts

    def set_mode(self, mode: str) -> dict[str, int]:
        """Show the same text in ``mode`` (TAGS or STAND_INS); returns the counts."""
        self.mode = mode if mode in (TAGS, STAND_INS) else TAGS
        return self.show_text(self._text, self._spans)

    def span_at(self, position: int) -> p.PhiSpan | None:
        i = bisect.bisect_right(self._starts, position) - 1
        if i >= 0 and self._spans[i].start <= position < self._spans[i].end:
            return self._spans[i]
        return None

    def jump_to(self, start: int, end: int) -> None:
        """Select and reveal a cited span (from a summary citation or a clinical table)."""
        length = self.document().characterCount() - 1
        start, end = self.shown.shown_position(start), self.shown.shown_position(end)
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
            span = self.span_at(self.shown.stored_position(position))
            if span is not None:
                name = type_name(span.type)
                QtWidgets.QToolTip.showText(
                    help_event.globalPos(),
                    f"Stand-in {name.lower()}, invented: not the patient's" if (
                        self.mode == STAND_INS) else f"{name} (replaced)", self)
            else:
                QtWidgets.QToolTip.hideText()
            return True
        return super().event(event)
