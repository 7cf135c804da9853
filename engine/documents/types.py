"""The typed results and limits of text extraction."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from engine.errors import InvalidConfig

Checkpoint = Callable[[], None]
"""Called between pages; raises (e.g. ``Cancelled``) to stop the extraction."""

Progress = Callable[[int, int], None]
"""Called with (pages done, pages total) after each page."""

PAGE_SEPARATOR = "\n\f\n"

_OCR_LANG = re.compile(r"[A-Za-z][A-Za-z0-9_]*(\+[A-Za-z][A-Za-z0-9_]*)*")


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

    def __post_init__(self) -> None:
        for name in ("max_file_bytes", "max_pages", "max_image_pixels",
                     "max_docx_uncompressed_bytes", "max_text_chars", "ocr_dpi",
                     "ocr_timeout_s"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise InvalidConfig("an extraction limit must be a positive number",
                                    {"limit": name})
        if not 36 <= self.ocr_dpi <= 1200:
            raise InvalidConfig("the OCR resolution must be between 36 and 1200 dpi",
                                {"ocr_dpi": self.ocr_dpi})
        if not isinstance(self.ocr_lang, str) or not _OCR_LANG.fullmatch(self.ocr_lang):
            raise InvalidConfig("the OCR language must be Tesseract language names joined by +")


@dataclass(frozen=True)
class PageText:
    number: int  # 1-based
    start: int  # offsets into ExtractedDocument.text
    end: int
    ocr: bool


@dataclass(frozen=True)
class ExtractedDocument:
    kind: str  # "pdf" | "docx" | "image" | "text" (| "audio" for transcripts)
    mime: str
    text: str
    pages: tuple[PageText, ...]
    sha256: str
    size_bytes: int

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def ocr_page_count(self) -> int:
        return sum(1 for p in self.pages if p.ocr)


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
