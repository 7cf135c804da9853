"""DOCX text with python-docx: headers, body paragraphs and tables in order, footers."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from engine.documents.types import Checkpoint, ExtractionLimits, Progress
from engine.errors import CorruptFile, EmptyDocument, EncryptedDocument, FileTooLarge

_MAX_TABLE_DEPTH = 20  # deeper nesting is hostile input, not a clinic letter


def read_docx(path: Path, limits: ExtractionLimits, checkpoint: Checkpoint,
              progress: Progress) -> list[tuple[str, bool]]:
    _check_archive(path, limits)
    try:
        document = docx.Document(str(path))
    except Exception:  # python-docx raises many types for damaged packages
        raise CorruptFile("the Word document is damaged and cannot be opened") from None
    checkpoint()
    lines: list[str] = []
    seen_parts: set[int] = set()
    for section in document.sections:
        for header in (section.first_page_header, section.header, section.even_page_header):
            _add_part(header, lines, seen_parts)
    _add_blocks(document, lines, 0)
    for section in document.sections:
        for footer in (section.first_page_footer, section.footer, section.even_page_footer):
            _add_part(footer, lines, seen_parts)
    progress(1, 1)
    body = document.element.body
    if not any(line.strip() for line in lines) and not (
        document.tables or body.findall(".//" + qn("w:drawing"))
    ):
        raise EmptyDocument("the Word document is blank")
    # Word has no stored pages: the whole document is one logical page.
    return [("\n".join(lines), False)]


def _check_archive(path: Path, limits: ExtractionLimits) -> None:
    """Refuse zip bombs before python-docx inflates anything."""
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(info.file_size for info in zf.infolist())
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        if path.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise EncryptedDocument("the Word document is protected by a password") from None
        raise CorruptFile("the Word document is damaged and cannot be opened") from None
    if total > limits.max_docx_uncompressed_bytes:
        raise FileTooLarge("the Word document expands beyond the allowed size",
                           {"uncompressed_bytes": total})
    if "word/document.xml" not in names:
        raise CorruptFile("the Word document has no body")


def _add_part(part, lines: list[str], seen: set[int]) -> None:
    if part is None or part.is_linked_to_previous:
        return
    key = id(part._element)
    if key in seen:
        return
    seen.add(key)
    _add_blocks(part, lines, 0)


def _add_blocks(container, lines: list[str], depth: int) -> None:
    if depth > _MAX_TABLE_DEPTH:
        raise CorruptFile("the Word document nests tables too deeply")
    body = container.element.body if isinstance(container, DocumentObject) else container._element
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(child, container).text
            if text.strip():
                lines.append(text)
        elif tag == "tbl":
            _add_table(Table(child, container), lines, depth + 1)


def _add_table(table: Table, lines: list[str], depth: int) -> None:
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            inner: list[str] = []
            _add_blocks(cell, inner, depth)
            cells.append(" ".join(inner))
        # Merged cells repeat in python-docx; keep each distinct run once.
        deduped = [c for i, c in enumerate(cells) if c and (i == 0 or c != cells[i - 1])]
        if deduped:
            lines.append(" | ".join(deduped))
