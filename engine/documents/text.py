"""Plain text with its encoding detected (BOMs, UTF-8/16/32, legacy code pages), read in
chunks: the character limit and the job's checkpoint are applied as the text grows, so a
file far over the limit costs one chunk past it, not its whole size."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import BinaryIO

from charset_normalizer import from_bytes

from engine.documents.sniff import bom_encoding, bomless_utf16
from engine.documents.types import Checkpoint, ExtractionLimits, Progress, has_visible
from engine.errors import EmptyDocument, FileTooLarge, UnsupportedFormat

CHUNK_BYTES = 1 << 20
_SAMPLE_BYTES = 1 << 20  # what a legacy code page is guessed from


def _legacy_encoding(sample: bytes) -> str:
    matches = list(from_bytes(sample))
    if not matches:
        raise UnsupportedFormat("the text encoding could not be recognised")
    # Short texts fit several code pages equally well; among the best-scored ones prefer
    # Windows-1252, the legacy default of the clinics' own systems.
    best = min(m.chaos for m in matches)
    tied = [m for m in matches if m.chaos == best]
    preferred = next((m for m in tied if "cp1252" in m.could_be_from_charset), tied[0])
    return preferred.encoding


class _NotUtf8(Exception):
    def __init__(self, at: int) -> None:
        super().__init__(at)
        self.at = at  # about where in the file (bytes) strict UTF-8 failed


def _decode(fh: BinaryIO, encoding: str, errors: str, skip: int,
            limits: ExtractionLimits, checkpoint: Checkpoint) -> str:
    """The file from byte ``skip`` on, decoded chunk by chunk under the character limit."""
    fh.seek(skip)
    decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
    parts: list[str] = []
    chars, offset = 0, skip
    while True:
        checkpoint()
        block = fh.read(CHUNK_BYTES)
        try:
            part = decoder.decode(block, final=not block)
        except UnicodeDecodeError as exc:
            raise _NotUtf8(offset + exc.start) from None
        offset += len(block)
        chars += len(part)
        if chars > limits.max_text_chars:
            raise FileTooLarge("the document holds more text than allowed",
                               {"max_chars": limits.max_text_chars})
        parts.append(part)
        if not block:
            return "".join(parts)


def _decoded_file(fh: BinaryIO, limits: ExtractionLimits, checkpoint: Checkpoint) -> str:
    head = fh.read(_SAMPLE_BYTES)
    encoding = bom_encoding(head)
    if encoding:
        # utf-8-sig drops its mark; the utf-16/32 byte orders keep theirs: skip its bytes.
        skip = 0 if encoding == "utf-8-sig" else 4 if "32" in encoding else 2
        return _decode(fh, encoding, "replace", skip, limits, checkpoint)
    encoding = bomless_utf16(head)
    if encoding:
        return _decode(fh, encoding, "replace", 0, limits, checkpoint)
    try:
        return _decode(fh, "utf-8", "strict", 0, limits, checkpoint)
    except _NotUtf8 as failed:
        at = failed.at
    # Not UTF-8: guess the code page from the start and from where UTF-8 failed.
    sample = head
    if at >= len(head):
        fh.seek(max(0, at - (1 << 15)))
        sample += b"\n" + fh.read(1 << 16)
    return _decode(fh, _legacy_encoding(sample), "replace", 0, limits, checkpoint)


def read_text(path: Path, limits: ExtractionLimits, checkpoint: Checkpoint,
              progress: Progress) -> list[tuple[str, bool]]:
    with path.open("rb") as fh:
        text = _decoded_file(fh, limits, checkpoint)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\x00", "")  # stray NULs (padding, damage) are not text
    if not has_visible(text):  # blank space or zero-width marks only
        raise EmptyDocument("the text file holds nothing visible")
    # Form feeds are how text reports mark pages; keep them as page breaks.
    pages = text.split("\f")
    if len(pages) > limits.max_pages:
        raise FileTooLarge("the text has more pages than allowed",
                           {"pages": len(pages), "max_pages": limits.max_pages})
    progress(1, 1)
    return [(page, False) for page in pages]
