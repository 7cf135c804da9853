"""Plain text with its encoding detected (BOMs, UTF-8/16/32, legacy code pages)."""

from __future__ import annotations

from pathlib import Path

from charset_normalizer import from_bytes

from engine.documents.sniff import bom_encoding, bomless_utf16
from engine.documents.types import Checkpoint, ExtractionLimits, Progress
from engine.errors import EmptyDocument, FileTooLarge, UnsupportedFormat


def decode_text(raw: bytes) -> str:
    encoding = bom_encoding(raw)
    if encoding:
        text = raw.decode(encoding, errors="replace")
        return text[1:] if text.startswith("\ufeff") else text  # utf-16/32-xx keep the mark
    encoding = bomless_utf16(raw)
    if encoding:
        return raw.decode(encoding, errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        matches = list(from_bytes(raw))
    if not matches:
        raise UnsupportedFormat("the text encoding could not be recognised")
    # Short texts fit several code pages equally well; among the best-scored ones prefer
    # Windows-1252, the legacy default of the clinics' own systems.
    best = min(m.chaos for m in matches)
    tied = [m for m in matches if m.chaos == best]
    preferred = next((m for m in tied if "cp1252" in m.could_be_from_charset), tied[0])
    return str(preferred)


def read_text(path: Path, limits: ExtractionLimits, checkpoint: Checkpoint,
              progress: Progress) -> list[tuple[str, bool]]:
    checkpoint()
    text = decode_text(path.read_bytes()).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\x00", "")  # stray NULs (padding, damage) are not text
    if not text.strip():
        raise EmptyDocument("the text file holds only blank space")
    # Form feeds are how text reports mark pages; keep them as page breaks.
    pages = text.split("\f")
    if len(pages) > limits.max_pages:
        raise FileTooLarge("the text has more pages than allowed",
                           {"pages": len(pages), "max_pages": limits.max_pages})
    progress(1, 1)
    return [(page, False) for page in pages]
