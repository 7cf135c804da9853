"""PDF text with PyMuPDF, page by page; pages without a text layer are rendered and OCRed."""

from __future__ import annotations

from pathlib import Path

import pymupdf
from PIL import Image

from engine.documents.ocr import ocr_image
from engine.documents.types import Checkpoint, ExtractionLimits, Progress
from engine.errors import CorruptFile, EmptyDocument, EncryptedDocument, FileTooLarge

pymupdf.TOOLS.mupdf_display_errors(False)  # MuPDF would print to stderr; we raise coded errors


def read_pdf(path: Path, limits: ExtractionLimits, checkpoint: Checkpoint,
             progress: Progress) -> list[tuple[str, bool]]:
    try:
        doc = pymupdf.open(path, filetype="pdf")
    except (pymupdf.FileDataError, RuntimeError, ValueError):
        raise CorruptFile("the PDF is damaged and cannot be opened") from None
    with doc:
        # An empty user password opens owner-password-only files; others stay closed.
        if doc.needs_pass and not doc.authenticate(""):
            raise EncryptedDocument("the PDF is protected by a password")
        try:
            total = doc.page_count
        except (RuntimeError, ValueError):
            raise CorruptFile("the PDF page tree is damaged") from None
        if total == 0:
            raise EmptyDocument("the PDF has no pages")
        if total > limits.max_pages:
            raise FileTooLarge("the PDF has more pages than allowed",
                               {"pages": total, "max_pages": limits.max_pages})
        pages: list[tuple[str, bool]] = []
        for index in range(total):
            checkpoint()
            try:
                page = doc.load_page(index)
                text = page.get_text()
                # Only pages that carry a picture are worth OCR; blank ones stay blank.
                ocr = not text.strip() and bool(page.get_images(full=False))
                if ocr:
                    text = _ocr_page(page, limits)
            except (RuntimeError, ValueError):
                raise CorruptFile("a PDF page is damaged", {"page": index + 1}) from None
            pages.append((text, ocr))
            progress(index + 1, total)
        if not any(text.strip() or ocr for text, ocr in pages):
            raise EmptyDocument("the PDF pages are blank")
        return pages


def _ocr_page(page: pymupdf.Page, limits: ExtractionLimits) -> str:
    zoom = limits.ocr_dpi / 72
    width, height = page.rect.width * zoom, page.rect.height * zoom
    if width * height > limits.max_image_pixels:
        raise FileTooLarge("a PDF page is too large to read by OCR",
                           {"pixels": int(width * height)})
    pix = page.get_pixmap(dpi=limits.ocr_dpi, colorspace=pymupdf.csGRAY)
    image = Image.frombytes("L", (pix.width, pix.height), pix.samples)
    return ocr_image(image, limits.ocr_lang, limits.ocr_timeout_s)
