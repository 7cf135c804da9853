"""The typed results and limits of text extraction."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from engine.errors import InvalidConfig
from engine.protocol import SETTINGS_SCHEMA

if TYPE_CHECKING:
    from engine.clinical.schema import ClinicalEntity

Checkpoint = Callable[[], None]
"""Called between pages; raises (e.g. ``Cancelled``) to stop the extraction."""

Progress = Callable[[int, int], None]
"""Called with (pages done, pages total) after each page."""

PAGE_SEPARATOR = "\n\f\n"

# What shows nothing on a page: white space, controls, format marks (zero-width spaces and
# joiners, bidirectional marks, the byte order mark, soft hyphens), variation selectors,
# tags and the blank "filler" letters some scripts define.
_INVISIBLE = (r"\s\x00-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5"
              r"\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u2800\u3164"
              r"\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U000e0000-\U000e0fff")
_VISIBLE = re.compile(f"[^{_INVISIBLE}]")

_OCR_LANG = re.compile(SETTINGS_SCHEMA["ocr.lang"].pattern)


@dataclass(frozen=True)
class ExtractionLimits:
    max_file_bytes: int = 200 * 1024 * 1024
    max_pages: int = 2000
    max_image_pixels: int = 100_000_000
    max_docx_uncompressed_bytes: int = 500 * 1024 * 1024
    max_text_chars: int = 20_000_000  # ~10,000 pages of text
    ocr_dpi: int = 200
    ocr_lang: str = "eng"  # Tesseract language(s): "eng", "eng+fra"
    ocr_timeout_s: float = 120.0  # one page
    memory_bytes: int = 1024 * 1024 * 1024  # what one job may use (limits.job_memory_mb)

    def __post_init__(self) -> None:
        for name in ("max_file_bytes", "max_pages", "max_image_pixels",
                     "max_docx_uncompressed_bytes", "max_text_chars", "ocr_dpi",
                     "ocr_timeout_s", "memory_bytes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise InvalidConfig("an extraction limit must be a positive number",
                                    {"limit": name})
        if not 36 <= self.ocr_dpi <= 1200:
            raise InvalidConfig("the OCR resolution must be between 36 and 1200 dpi",
                                {"ocr_dpi": self.ocr_dpi})
        if not isinstance(self.ocr_lang, str) or not _OCR_LANG.fullmatch(self.ocr_lang):
            raise InvalidConfig("the OCR language must be Tesseract language names joined by +")

    # The budgets below turn the job's memory into sizes each reader checks before it
    # allocates; the costs per unit were measured on this machine (see each reader).

    @property
    def page_chars(self) -> int:
        """Characters one PDF page may draw: MuPDF's structured text peaks at ~95 bytes
        a character while a page is extracted."""
        return min(self.max_text_chars, self.memory_bytes // 128)

    @property
    def decode_pixels(self) -> int:
        """Pixels one image frame may decode to: up to 4 bytes each, plus its grey copy."""
        return min(self.max_image_pixels, self.memory_bytes // 5)

    @property
    def ocr_pixels(self) -> int:
        """Pixels a page image is reduced to before OCR (Tesseract's own copies live in its
        process; ours are the grey image and the pipe buffer)."""
        return max(1_000_000, self.memory_bytes // 32)

    @property
    def xml_elements(self) -> int:
        """Elements a Word part may hold: a parsed element costs ~130 bytes; a letter has a
        few thousand, a 1,000-page report about a million."""
        return self.memory_bytes // 256


@dataclass(frozen=True)
class PageText:
    number: int  # 1-based
    start: int  # offsets into ExtractedDocument.text
    end: int
    ocr: bool


@dataclass(frozen=True)
class ExtractedDocument:
    kind: str  # "pdf" | "docx" | "image" | "text" | "ccda" | "fhir" (| "audio" transcripts)
    mime: str
    text: str
    pages: tuple[PageText, ...]
    sha256: str
    size_bytes: int
    # a structured document's coded entries, offsets into ``text`` (engine/documents/structured)
    coded: tuple[ClinicalEntity, ...] = ()
    vocabulary: frozenset[str] = frozenset()  # its clinical terms (engine/documents/vocabulary)

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def ocr_page_count(self) -> int:
        return sum(1 for p in self.pages if p.ocr)


def has_visible(text: str) -> bool:
    """Whether ``text`` shows anything: a text of only zero-width marks is empty."""
    return _VISIBLE.search(text) is not None


def join_pages(page_texts: list[tuple[str, bool]]) -> tuple[str, tuple[PageText, ...]]:
    """Join per-page text with a form-feed separator, keeping exact page offsets."""
    parts: list[str] = []
    pages: list[PageText] = []
    offset = 0
    for number, (text, ocr) in enumerate(page_texts, start=1):
        if parts:
            parts.append(PAGE_SEPARATOR)
            offset += len(PAGE_SEPARATOR)
        parts.append(text)
        pages.append(PageText(number, offset, offset + len(text), ocr))
        offset += len(text)
    return "".join(parts), tuple(pages)
