"""PDF text with PyMuPDF, page by page; pages without a usable text layer are rendered and
OCRed.

A page whose text layer is long and clean costs one ``get_text()`` and two string checks:
nothing is rendered or inspected. Only a page with little or no text, or with text that is
mostly U+FFFD (fonts without a Unicode map), is looked at further:
  * no text: OCR when the page draws anything (an image, or vector paths such as text
    converted to outlines); a truly blank page stays blank without OCR;
  * unreadable glyphs: OCR replaces the text layer;
  * a short text layer (a fax header, a stamp, a Bates number) over images that cover most
    of the page: a scan with a note on it. OCR reads the page; the text layer is kept in
    front of the OCR text unless OCR already read every word of it.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pymupdf
from PIL import Image

from engine.documents.ocr import check_ocr, ocr_image
from engine.documents.types import Checkpoint, ExtractionLimits, Progress, has_visible
from engine.errors import CorruptFile, EmptyDocument, EncryptedDocument, FileTooLarge

pymupdf.TOOLS.mupdf_display_errors(False)  # MuPDF would print to stderr; we raise coded errors

SHORT_TEXT = 100  # characters: below this a text layer may be a note on a scanned page
SCAN_COVERAGE = 0.5  # share of the page covered by images for a page to count as a scan
BAD_GLYPHS = 0.3  # share of U+FFFD among non-space characters that makes a layer unusable


def read_pdf(path: Path, limits: ExtractionLimits, checkpoint: Checkpoint,
             progress: Progress) -> list[tuple[str, bool]]:
    pymupdf.TOOLS.reset_mupdf_warnings()  # the warnings read below must be this file's
    try:
        doc = pymupdf.open(path, filetype="pdf")
    except Exception:  # FileDataError, RuntimeError, ValueError … on damage
        raise CorruptFile("the PDF is damaged and cannot be opened") from None
    try:
        with doc:
            return _read(doc, limits, checkpoint, progress)
    finally:
        pymupdf.TOOLS.reset_mupdf_warnings()  # the engine is long-lived: don't pile them up


def _read(doc: pymupdf.Document, limits: ExtractionLimits, checkpoint: Checkpoint,
          progress: Progress) -> list[tuple[str, bool]]:
    # An empty user password opens owner-password-only files; others stay closed.
    if doc.needs_pass and not doc.authenticate(""):
        raise EncryptedDocument("the PDF is protected by a password")
    total = doc.page_count
    if total == 0:
        if doc.is_repaired or _damage_reported():  # broken, not a PDF without pages
            raise CorruptFile("the PDF is damaged: no page could be read")
        raise EmptyDocument("the PDF has no pages")
    if total > limits.max_pages:
        raise FileTooLarge("the PDF has more pages than allowed",
                           {"pages": total, "max_pages": limits.max_pages})
    pages: list[tuple[str, bool]] = []
    chars = 0
    for index in range(total):
        checkpoint()
        page = doc.load_page(index)
        _check_page_text(page, min(limits.page_chars, limits.max_text_chars - chars))
        text = page.get_text()
        ocr = False
        if len(text) < SHORT_TEXT or "\ufffd" in text:  # the lean path ends here for most
            text, ocr = _second_look(page, text, limits, checkpoint)
        chars += len(text)
        if chars > limits.max_text_chars:
            raise FileTooLarge("the document holds more text than allowed",
                               {"max_chars": limits.max_text_chars})
        pages.append((text, ocr))
        progress(index + 1, total)
    if not any(ocr or has_visible(text) for text, ocr in pages):
        if doc.is_repaired or _damage_reported():
            # Nothing readable and MuPDF reported damage on the way (objects it skipped,
            # xref sections it could not follow): the file is broken, not blank.
            raise CorruptFile("the PDF is damaged: no page could be read")
        raise EmptyDocument("the PDF pages are blank")
    return pages


_REPEATED = re.compile(r"\.\.\. repeated \d+ times\.\.\.")


def _damage_reported() -> bool:
    """Whether MuPDF warned while reading this file (a count of repeats of an earlier
    file's warning may arrive late, and is not this file's)."""
    lines = pymupdf.TOOLS.mupdf_warnings().splitlines()
    return any(line.strip() and not _REPEATED.fullmatch(line.strip()) for line in lines)


# A string operand of a text operator: (literal, with escapes) or <hex>. Possessive runs:
# a per-character alternation would make the regex engine keep a backtracking entry per
# character (1 GB and 4 s for a 9 MB string).
_STRING = re.compile(rb"\((?:[^\\)]++|\\.)*+\)|<[0-9A-Fa-f\s]*+>")


def _check_page_text(page: pymupdf.Page, budget: int) -> None:
    """Refuse a page that may draw more characters than ``budget`` before MuPDF extracts
    it (its structured text would take ~95 bytes a character). A glyph takes at least one
    byte of a string in the page's content or in a form it draws, so the bytes of those
    strings bound the count; the content's length bounds those, and is all that is
    looked at for ordinary pages."""
    streams = [page.read_contents()]
    streams += [page.parent.xref_stream(xref) or b"" for xref, *_ in page.get_xobjects()]
    if sum(len(s) for s in streams) <= budget:
        return
    glyphs = sum(len(m) - 2 for s in streams for m in _STRING.findall(s))
    if glyphs > budget:
        raise FileTooLarge("a PDF page holds more text than allowed",
                           {"max_chars": budget})


def _second_look(page: pymupdf.Page, text: str, limits: ExtractionLimits,
                 checkpoint: Checkpoint | None = None) -> tuple[str, bool]:
    stripped = text.strip()
    if not stripped:
        if page.get_images(full=False) or page.get_cdrawings():
            return _ocr_page(page, limits, checkpoint), True
        return text, False
    visible = len(stripped) - stripped.count(" ") - stripped.count("\n")
    if stripped.count("\ufffd") >= BAD_GLYPHS * max(visible, 1):
        return _ocr_page(page, limits, checkpoint), True
    if len(stripped) < SHORT_TEXT and _image_coverage(page) >= SCAN_COVERAGE:
        read = _ocr_page(page, limits, checkpoint)
        if _words(stripped) <= _words(read):
            return read, True
        return f"{stripped}\n{read}", True
    return text, False


def _image_coverage(page: pymupdf.Page) -> float:
    if not page.get_images(full=False):
        return 0.0
    area = abs(page.rect)
    if not area:
        return 0.0
    covered = 0.0
    for info in page.get_image_info():
        covered += abs(pymupdf.Rect(info["bbox"]) & page.rect)
    return min(covered / area, 1.0)


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def _ocr_page(page: pymupdf.Page, limits: ExtractionLimits,
              checkpoint: Checkpoint | None) -> str:
    check_ocr(limits.ocr_lang)  # before rendering: a workstation without OCR fails fast
    zoom = limits.ocr_dpi / 72
    width, height = page.rect.width * zoom, page.rect.height * zoom
    if width * height > limits.max_image_pixels:
        raise FileTooLarge("a PDF page is too large to read by OCR",
                           {"pixels": int(width * height)})
    # A page larger than the job's OCR budget is rendered at a lower resolution (MuPDF
    # then decodes its images subsampled too) rather than rendered whole and shrunk.
    dpi = limits.ocr_dpi
    if width * height > limits.ocr_pixels:
        dpi = max(36, int(dpi * math.sqrt(limits.ocr_pixels / (width * height))))
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False)
    image = Image.frombytes("L", (pix.width, pix.height), pix.samples_mv)
    del pix  # one copy of the page at a time
    return ocr_image(image, limits.ocr_lang, limits.ocr_timeout_s, dpi=dpi,
                     checkpoint=checkpoint)
