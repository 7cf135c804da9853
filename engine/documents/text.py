"""Plain text with its encoding detected (BOMs, UTF-8/16, legacy code pages)."""

from __future__ import annotations

from pathlib import Path

from charset_normalizer import from_bytes

from engine.documents.types import Checkpoint, ExtractionLimits, Progress
from engine.errors import EmptyDocument, UnsupportedFormat

_BOMS = (("utf-8-sig", b"\xef\xbb\xbf"), ("utf-16", b"\xff\xfe"), ("utf-16", b"\xfe\xff"))


def decode_text(raw: bytes) -> str:
    for encoding, bom in _BOMS:
        if raw.startswith(bom):
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
    progress(1, 1)
    if not text.strip():
        raise EmptyDocument("the text file holds only blank space")
    # Form feeds are how text reports mark pages; keep them as page breaks.
    return [(page, False) for page in text.split("\f")]
