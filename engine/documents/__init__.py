"""Text extraction: one module per kind, chosen by content sniffing.

``extract_document`` is the single entry point the pipeline calls. Every failure is a coded
``HntaiError`` whose message names the problem, never the document's content.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from engine.documents.image import read_image
from engine.documents.pdf import read_pdf
from engine.documents.sniff import detect
from engine.documents.structured import STRUCTURED_KINDS, read_structured
from engine.documents.text import read_text
from engine.documents.types import (
    Checkpoint,
    ExtractedDocument,
    ExtractionLimits,
    PageText,
    Progress,
    join_pages,
)
from engine.documents.word import read_docx
from engine.errors import (
    CorruptFile,
    FileNotFound,
    FileTooLarge,
    HntaiError,
    UnsupportedFormat,
)
from engine.hashing import file_sha256

__all__ = ["ExtractedDocument", "ExtractionLimits", "PageText", "detect_kind",
           "extract_document"]

Reader = Callable[[Path, ExtractionLimits, Checkpoint, Progress], list[tuple[str, bool]]]
_READERS: dict[str, Reader] = {
    "pdf": read_pdf,
    "docx": read_docx,
    "image": read_image,
    "text": read_text,
}


def detect_kind(path: Path) -> str:
    """"pdf" | "docx" | "image" | "text" | "audio" | "ccda" | "fhir", from the bytes."""
    return detect(Path(path)).kind


class _CallerRaised(BaseException):
    """Carries what the caller's checkpoint or progress callback raised (a cancel) past the
    readers' broad handlers, unchanged. A BaseException so that ``except Exception`` in a
    reader cannot turn a cancel into a corrupt file."""

    def __init__(self, exc: BaseException) -> None:
        super().__init__()
        self.exc = exc


def _guarded(callback):
    if callback is None:
        return lambda *args: None

    def call(*args):
        try:
            callback(*args)
        except BaseException as exc:
            raise _CallerRaised(exc) from None

    return call


def extract_document(
    path: Path, limits: ExtractionLimits | None = None, *,
    checkpoint: Checkpoint | None = None, on_progress: Progress | None = None,
) -> ExtractedDocument:
    """The text of one document, page by page, with exact page offsets.

    ``checkpoint()`` runs before each page (it raises to stop: the exception comes out
    unchanged); ``on_progress(done, total)`` after each page. Every other failure is a coded
    ``HntaiError``; an unexpected exception from a parsing library becomes ``CorruptFile``
    with only the exception's class name in its details.
    """
    path = Path(path)
    limits = limits or ExtractionLimits()
    try:
        return _extract(path, limits, _guarded(checkpoint), _guarded(on_progress))
    except _CallerRaised as raised:
        raise raised.exc from None
    except HntaiError:
        raise
    except MemoryError:
        raise FileTooLarge("the document needs more memory than is available") from None
    except RecursionError:
        raise CorruptFile("the document's structure is too deeply nested") from None
    except Exception as exc:  # library internals: the message may quote the document
        raise CorruptFile("the document is damaged and cannot be read",
                          {"error": type(exc).__name__}) from None


def _extract(path: Path, limits: ExtractionLimits, checkpoint: Checkpoint,
             progress: Progress) -> ExtractedDocument:
    try:
        size = path.stat().st_size
    except (FileNotFoundError, NotADirectoryError):
        raise FileNotFound("the file does not exist") from None
    except PermissionError:
        raise FileNotFound("the file cannot be opened: permission denied") from None
    if size > limits.max_file_bytes:
        raise FileTooLarge("the file is larger than allowed",
                           {"size": size, "max_bytes": limits.max_file_bytes})
    sniffed = detect(path)
    reader = _READERS.get(sniffed.kind)
    structured = None
    if sniffed.kind in STRUCTURED_KINDS:  # the narrative, one page, and the coded entries
        structured = read_structured(sniffed.kind, path, limits, checkpoint)
        page_texts = [(structured.text, False)]
        progress(1, 1)
    elif reader is None:
        raise UnsupportedFormat(f"{sniffed.kind} files cannot be read as documents yet",
                                {"kind": sniffed.kind})
    else:
        page_texts = reader(path, limits, checkpoint, progress)
    # Readers raise EmptyDocument for documents with nothing in them. A scanned picture or
    # an empty table with no readable words is still a document: it is kept, textless.
    text, pages = join_pages(page_texts)
    if len(text) > limits.max_text_chars:  # scrubbing and extraction scale with the text
        raise FileTooLarge("the document holds more text than allowed",
                           {"chars": len(text), "max_chars": limits.max_text_chars})
    return ExtractedDocument(kind=sniffed.kind, mime=sniffed.mime, text=text, pages=pages,
                             sha256=file_sha256(path), size_bytes=size,
                             coded=structured.coded if structured else (),
                             vocabulary=structured.vocabulary if structured else frozenset())
