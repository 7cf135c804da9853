"""DOCX text with python-docx: headers first, then body paragraphs and tables in document
order (with text boxes after the paragraph that anchors them), footnotes and endnotes, and
footers last.

python-docx opens the package and finds its parts; the text itself is read from the XML,
because ``Paragraph.text`` leaves out content controls, tracked insertions, smart tags,
simple fields and text boxes, which clinic templates use. Deleted (tracked) text, field
codes and comments are not document text and are left out.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import PartFactory
from docx.oxml import parse_xml
from docx.package import Package
from docx.parts.document import DocumentPart
from lxml import etree

from engine.documents.types import Checkpoint, ExtractionLimits, Progress, has_visible
from engine.errors import CorruptFile, EmptyDocument, EncryptedDocument, FileTooLarge

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_MAX_DEPTH = 20  # tables and text boxes nested deeper are hostile input, not a clinic letter
_MAX_MEMBERS = 10_000  # zip entries: a letter has tens

# Macro-enabled documents and templates are Word documents too (python-docx reads them
# once their main part is known as a document part).
_WORD_MAIN_TYPES = (
    CT.WML_DOCUMENT_MAIN,
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
)
for _content_type in _WORD_MAIN_TYPES[1:]:
    PartFactory.part_type_for.setdefault(_content_type, DocumentPart)

# Containers whose children are blocks (paragraphs, tables) or runs like their parent's.
_WRAPPERS = {W + t for t in ("sdt", "sdtContent", "customXml", "ins", "moveTo", "smartTag",
                             "fldSimple", "hyperlink", "r", "dir", "bdo")}
_SKIPPED = {W + t for t in ("del", "moveFrom", "delText", "instrText", "rPr", "pPr", "sdtPr",
                            "sdtEndPr", "tblPr", "trPr", "tcPr", "sectPr")} | {MC + "Fallback"}


def read_docx(path: Path, limits: ExtractionLimits, checkpoint: Checkpoint,
              progress: Progress) -> list[tuple[str, bool]]:
    _check_archive(path, limits, checkpoint)
    try:
        document_part = Package.open(str(path)).main_document_part
        if document_part.content_type not in _WORD_MAIN_TYPES:
            raise ValueError("not a Word document")
        document = document_part.document
    except Exception:  # python-docx raises many types for damaged packages
        raise CorruptFile("the Word document is damaged and cannot be opened") from None
    checkpoint()
    lines = _CheckedLines(checkpoint)
    seen_parts: set[int] = set()
    for section in document.sections:
        for header in (section.first_page_header, section.header, section.even_page_header):
            _add_part(header, lines, seen_parts)
    body = document.element.body
    _add_blocks(body, lines, 0)
    for reltype, note_tag in ((RT.FOOTNOTES, "footnote"), (RT.ENDNOTES, "endnote")):
        _add_notes(document_part, reltype, note_tag, lines)
    for section in document.sections:
        for footer in (section.first_page_footer, section.footer, section.even_page_footer):
            _add_part(footer, lines, seen_parts)
    progress(1, 1)
    if not lines and not (body.find(".//" + W + "tbl") is not None
                          or body.find(".//" + W + "drawing") is not None
                          or body.find(".//" + W + "pict") is not None):
        raise EmptyDocument("the Word document is blank")
    # Word has no stored pages: the whole document is one logical page.
    return [("\n".join(lines), False)]


def _check_archive(path: Path, limits: ExtractionLimits, checkpoint: Checkpoint) -> None:
    """Refuse zip bombs, and parts whose tree would not fit the job's memory, before
    python-docx inflates anything (it reads every part and builds each XML tree)."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        with path.open("rb") as fh:
            if fh.read(8) == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # sniffed as encrypted
                raise EncryptedDocument("the document is protected by a password") from None
        raise CorruptFile("the Word document is damaged and cannot be opened") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > _MAX_MEMBERS:
            raise FileTooLarge("the Word document has too many parts", {"parts": len(infos)})
        total = sum(info.file_size for info in infos)  # zipfile never inflates past these
        if total > limits.max_docx_uncompressed_bytes:
            raise FileTooLarge("the Word document expands beyond the allowed size",
                               {"uncompressed_bytes": total,
                                "max_bytes": limits.max_docx_uncompressed_bytes})
        _count_xml(zf, infos, limits, checkpoint)


_PART_BYTES_SHARE = 4  # a part's bytes and its parsed tree together: ~4x its size at most
_FEED_BYTES = 1 << 16


class _Tally:
    """An lxml parser target that builds nothing: it counts elements and the characters of
    text runs (``w:t``) as the parser streams through a part."""

    def __init__(self) -> None:
        self.elements = 0
        self.chars = 0
        self._in_text = False

    def start(self, tag: str, _attrib) -> None:
        self.elements += 1
        self._in_text = tag == W + "t"

    def end(self, _tag: str) -> None:
        self._in_text = False

    def data(self, text: str) -> None:
        if self._in_text:
            self.chars += len(text)

    def close(self) -> None:
        return None


def _count_xml(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: ExtractionLimits,
               checkpoint: Checkpoint) -> None:
    """Stream every XML part once through a parser that keeps nothing, counting elements
    and text: a document whose tree would outgrow the memory budget, or whose text the
    character limit, is refused here with FILE_TOO_LARGE (a tree is built only after
    this, by python-docx)."""
    max_part = limits.memory_bytes // _PART_BYTES_SHARE
    tally = _Tally()
    for info in infos:
        if not info.filename.endswith((".xml", ".rels")):
            continue
        if info.file_size > max_part:
            raise FileTooLarge("a part of the Word document is too large to read",
                               {"part_bytes": info.file_size, "max_bytes": max_part})
        parser = etree.XMLParser(target=tally, resolve_entities=False, load_dtd=False,
                                 no_network=True)
        try:
            with zf.open(info) as fh:
                while block := fh.read(_FEED_BYTES):
                    parser.feed(block)
                    checkpoint()
                    if tally.elements > limits.xml_elements:
                        raise FileTooLarge("the Word document has too many elements",
                                           {"max_elements": limits.xml_elements})
                    if tally.chars > limits.max_text_chars:
                        raise FileTooLarge("the document holds more text than allowed",
                                           {"max_chars": limits.max_text_chars})
            parser.close()
        except etree.XMLSyntaxError:
            # What was counted was within the limits; whether this damage matters (a part
            # Word text is read from, or one nobody reads) is python-docx's to find out.
            continue
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
            raise CorruptFile("the Word document is damaged and cannot be opened") from None


class _CheckedLines(list):
    """The lines read so far. Every ``CHECK_LINES``-th runs the job's checkpoint, so a long
    document can be cancelled while its tree is walked."""

    CHECK_LINES = 1000

    def __init__(self, checkpoint: Checkpoint) -> None:
        super().__init__()
        self._checkpoint = checkpoint

    def append(self, line: str) -> None:
        super().append(line)
        if len(self) % self.CHECK_LINES == 0:
            self._checkpoint()


def _add_part(part, lines: list[str], seen: set[int]) -> None:
    if part is None or part.is_linked_to_previous:  # no definition of its own
        return
    element = part._element
    if id(element) in seen:  # sections may share one header part
        return
    seen.add(id(element))
    _add_blocks(element, lines, 0)


def _add_notes(document_part, reltype: str, tag: str, lines: list[str]) -> None:
    for rel in document_part.rels.values():
        if rel.reltype != reltype or rel.is_external:
            continue
        root = parse_xml(rel.target_part.blob)  # python-docx's parser: no entities, no DTD
        for note in root.iterchildren(W + tag):
            if note.get(W + "type") in ("separator", "continuationSeparator",
                                        "continuationNotice"):
                continue
            _add_blocks(note, lines, 0)


def _add_blocks(container, lines: list[str], depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise CorruptFile("the Word document nests tables or text boxes too deeply")
    for child in _block_children(container):
        if child.tag == W + "p":
            boxes: list = []
            parts: list[str] = []
            _inline(child, parts, boxes)
            text = "".join(parts)
            if has_visible(text):
                lines.append(text)
            for box in boxes:
                _add_blocks(box, lines, depth + 1)
        else:
            _add_table(child, lines, depth + 1)


def _block_children(container) -> Iterator:
    """Paragraphs and tables, also those inside content controls and tracked insertions."""
    for child in container.iterchildren():
        tag = child.tag
        if tag in (W + "p", W + "tbl"):
            yield child
        elif tag in _WRAPPERS:
            yield from _block_children(child)


def _inline(element, out: list[str], boxes: list) -> None:
    for child in element.iterchildren():
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIPPED:  # comments, processing instructions
            continue
        if tag == W + "t":
            out.append(child.text or "")
        elif tag in (W + "tab", W + "ptab"):
            out.append("\t")
        elif tag in (W + "br", W + "cr"):
            out.append("\n")
        elif tag == W + "noBreakHyphen":
            out.append("-")
        elif tag == W + "txbxContent":
            boxes.append(child)
        else:  # runs, hyperlinks, content controls, insertions, drawings around text boxes
            _inline(child, out, boxes)


def _add_table(table, lines: list[str], depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise CorruptFile("the Word document nests tables or text boxes too deeply")
    for row in _tagged(table, W + "tr"):
        cells: list[str] = []
        for cell in _tagged(row, W + "tc"):
            inner: list[str] = []
            _add_blocks(cell, inner, depth)
            text = " ".join(inner)
            if has_visible(text):  # vertically merged continuations are empty cells
                cells.append(text)
        if cells:
            lines.append(" | ".join(cells))


def _tagged(element, tag: str) -> Iterator:
    for child in element.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:  # row- and cell-level content controls
            yield from _tagged(child, tag)
