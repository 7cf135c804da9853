"""A long scrubbed text shown one page at a time.

The whole text and its PHI spans stay as data; only the page on screen is handed to the
highlighting view. Laying out and highlighting a 1,000-page text at once holds the GUI thread
for minutes; one page takes milliseconds, whatever the document's length."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from desktop.qt import Qt, QtCore, QtGui, QtWidgets
from desktop.views.phi_text import PhiTextView
from engine import protocol as p

# A source page longer than this (a text file without form feeds is one page) is cut into
# parts at line ends, so that formatting one view page stays far below a frame's time.
MAX_PAGE_CHARS = 12_000
_PAGE_KEYS = {Qt.Key.Key_PageUp: -1, Qt.Key.Key_PageDown: 1}


@dataclass(frozen=True)
class ViewPage:
    """One screenful of the text: ``[start, end)`` in the document's scrubbed text."""

    start: int
    end: int
    number: int  # the source page (PDF page, form-feed page)
    part: int  # 1-based, within a source page cut because it is too long
    parts: int

    def label(self, source_pages: int) -> str:
        where = f"Page {self.number} of {source_pages}"
        return where if self.parts == 1 else f"{where} (part {self.part} of {self.parts})"


def _source_pages(length: int, pages: Sequence[p.Page]) -> list[tuple[int, int, int]]:
    """The engine's pages as ``(number, start, end)``; one page when they are missing or do
    not describe this text (then nothing of the text can be hidden between pages)."""
    bounds = [(page.number, page.start, page.end) for page in pages]
    ordered = all(0 <= s <= e <= length for _, s, e in bounds) and all(
        a[2] <= b[1] for a, b in itertools.pairwise(bounds))
    if not bounds or not ordered:
        return [(1, 0, length)]
    return bounds


def _cuts(text: str, start: int, end: int, spans: p.PhiSpans,
          span_starts: Sequence[int]) -> list[int]:
    """Where to cut ``text[start:end]`` into parts of at most about MAX_PAGE_CHARS: after a
    line end when there is one, never inside a PHI span (the highlight stays whole)."""
    cuts = [start]
    while end - cuts[-1] > MAX_PAGE_CHARS:
        at = cuts[-1]
        cut = text.rfind("\n", at + MAX_PAGE_CHARS // 2, at + MAX_PAGE_CHARS) + 1 or \
            at + MAX_PAGE_CHARS
        i = bisect.bisect_right(span_starts, cut - 1) - 1
        if i >= 0 and spans[i].start < cut < spans[i].end:
            cut = spans[i].end
        cuts.append(min(cut, end))
    return [*cuts, end]


def view_pages(text: str, pages: Sequence[p.Page], spans: p.PhiSpans) -> list[ViewPage]:
    """The source pages, each cut into parts when it is too long to format at once."""
    span_starts = spans.starts
    out: list[ViewPage] = []
    for number, start, end in _source_pages(len(text), pages):
        cuts = _cuts(text, start, end, spans, span_starts)
        parts = len(cuts) - 1
        out.extend(ViewPage(cuts[i], cuts[i + 1], number, i + 1, parts) for i in range(parts))
    return out


class PagedPhiText(QtWidgets.QWidget):
    """Page navigation above a PhiTextView that holds the current page only."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = PhiTextView()
        self._text = ""
        self._spans = p.PhiSpans()
        self._span_starts: list[int] = []
        self._pages: list[ViewPage] = []
        self._page_starts: list[int] = []
        self._source_count = 0
        self._current = -1
        style = self.style()
        self.previous = QtWidgets.QToolButton()
        self.previous.setIcon(style.standardIcon(QtWidgets.QStyle.StandardPixmap.SP_ArrowLeft))
        self.previous.setAccessibleName("Previous page")
        self.previous.setToolTip("Previous page (Ctrl+Page Up)")
        self.next = QtWidgets.QToolButton()
        self.next.setIcon(style.standardIcon(QtWidgets.QStyle.StandardPixmap.SP_ArrowRight))
        self.next.setAccessibleName("Next page")
        self.next.setToolTip("Next page (Ctrl+Page Down)")
        self.number = QtWidgets.QSpinBox()
        self.number.setAccessibleName("Page number")
        self.number.setKeyboardTracking(False)  # typing "120" goes to 120, not 1 and 12 first
        self.of = QtWidgets.QLabel("")
        self.where = QtWidgets.QLabel("")
        self.where.setProperty("role", "subtitle")
        self.where.setAccessibleName("Page shown")
        bar = QtWidgets.QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.previous)
        bar.addWidget(self.number)
        bar.addWidget(self.of)
        bar.addWidget(self.next)
        bar.addWidget(self.where, 1)
        self.navigation = QtWidgets.QWidget()
        self.navigation.setLayout(bar)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.navigation)
        layout.addWidget(self.view, 1)
        self.previous.clicked.connect(lambda: self.show_page(self._current - 1))
        self.next.clicked.connect(lambda: self.show_page(self._current + 1))
        self.number.valueChanged.connect(lambda value: self.show_page(value - 1))
        self.view.installEventFilter(self)
        self.clear()

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        """Page Up/Down scroll within the page, as in any text; with Ctrl they turn it."""
        if watched is self.view and event.type() == QtCore.QEvent.Type.KeyPress:
            key: QtGui.QKeyEvent = event  # type: ignore[assignment]
            step = _PAGE_KEYS.get(key.key())
            if step and key.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.show_page(self._current + step)
                return True
        return super().eventFilter(watched, event)

    @property
    def page_count(self) -> int:
        return len(self._pages)

    @property
    def current_page(self) -> int:
        """The index of the page shown (0-based), -1 when there is no text."""
        return self._current

    @property
    def pages(self) -> Sequence[ViewPage]:
        return self._pages

    def clear(self) -> None:
        """Nothing shown and nothing kept: no earlier text can appear under a new heading."""
        self.set_document("", p.PhiSpans(), ())

    def set_document(self, text: str, spans: p.PhiSpans,
                     pages: Sequence[p.Page]) -> dict[str, int]:
        """Keep the text, show its first page; returns the count per PHI type (whole text).
        The spans stay rows (``PhiSpans``): only a page's are made objects, when shown."""
        self._text = text
        self._spans = spans
        self._span_starts = spans.starts
        self._pages = view_pages(text, pages, self._spans) if text else []
        self._page_starts = [page.start for page in self._pages]
        self._source_count = len({page.number for page in self._pages})
        self._current = -1
        self.number.blockSignals(True)
        self.number.setRange(1 if self._pages else 0, len(self._pages))
        self.number.blockSignals(False)
        self.of.setText(f"of {len(self._pages)}")
        self.navigation.setVisible(len(self._pages) > 1)
        counts = spans.counts()
        if self._pages:
            self.show_page(0)
        else:
            self.view.show_text(text, [])
            self.where.setText("")
        return counts

    def show_page(self, index: int) -> None:
        """Hand one page, with its spans shifted to page offsets, to the highlighting view."""
        if not self._pages:
            return
        index = max(0, min(index, len(self._pages) - 1))
        if index == self._current:
            return
        self._current = index
        page = self._pages[index]
        self.view.show_text(self._text[page.start:page.end], self._page_spans(page))
        self.number.blockSignals(True)
        self.number.setValue(index + 1)
        self.number.blockSignals(False)
        self.previous.setEnabled(index > 0)
        self.next.setEnabled(index < len(self._pages) - 1)
        self.where.setText(page.label(self._source_count))

    def _page_spans(self, page: ViewPage) -> list[p.PhiSpan]:
        # Spans never overlap, so those reaching into the page start at most one span early.
        first = max(0, bisect.bisect_left(self._span_starts, page.start) - 1)
        last = bisect.bisect_left(self._span_starts, page.end)
        return [p.PhiSpan(span.type, max(span.start, page.start) - page.start,
                          min(span.end, page.end) - page.start)
                for span in self._spans[first:last]
                if span.end > page.start and span.start < page.end]

    def page_of(self, offset: int) -> int:
        """The index of the page holding ``offset`` of the document's text."""
        return max(0, bisect.bisect_right(self._page_starts, offset) - 1)

    def jump_to(self, start: int, end: int) -> None:
        """Turn to the page holding a cited span, then select and reveal it there."""
        if not self._pages:
            return
        self.show_page(self.page_of(start))
        page = self._pages[self._current]
        self.view.jump_to(max(start, page.start) - page.start, min(end, page.end) - page.start)

    def selection(self) -> tuple[int, int]:
        """The selected part of the page shown, in offsets of the document's text."""
        cursor = self.view.textCursor()
        offset = self._pages[self._current].start if self._pages else 0
        stored = self.view.shown.stored_position  # tags are not as long as the text they mark
        return (stored(cursor.selectionStart()) + offset,
                stored(cursor.selectionEnd()) + offset)
