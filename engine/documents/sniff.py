"""Decide a file's kind from its bytes, never from its name."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from engine.errors import EmptyDocument, FileNotFound, UnsupportedFormat

_HEAD = 4096


@dataclass(frozen=True)
class Sniffed:
    kind: str  # pdf | docx | image | text | audio
    mime: str


DOCX = Sniffed("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
# (magic, may appear anywhere in the first KiB, kind): PDF readers accept a late header.
_MAGIC: tuple[tuple[bytes, bool, Sniffed], ...] = (
    (b"%PDF-", True, Sniffed("pdf", "application/pdf")),
    (b"\x89PNG\r\n\x1a\n", False, Sniffed("image", "image/png")),
    (b"\xff\xd8\xff", False, Sniffed("image", "image/jpeg")),
    (b"II*\x00", False, Sniffed("image", "image/tiff")),
    (b"MM\x00*", False, Sniffed("image", "image/tiff")),
    (b"fLaC", False, Sniffed("audio", "audio/flac")),
    (b"OggS", False, Sniffed("audio", "audio/ogg")),
    (b"ID3", False, Sniffed("audio", "audio/mpeg")),
)


def _is_wave(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WAVE"


def _is_mp3_frame(head: bytes) -> bool:
    return len(head) > 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06 != 0


def _is_m4a(head: bytes) -> bool:
    return head[4:8] == b"ftyp" and head[8:12] in (b"M4A ", b"mp42", b"isom", b"M4B ", b"3gp4")


_TEXT_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    printable = sum(1 for b in head if b >= 32 or b in (9, 10, 12, 13))
    return printable / max(len(head), 1) > 0.95


def detect(path: Path) -> Sniffed:
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(_HEAD)
    except FileNotFoundError:
        raise FileNotFound("the file does not exist") from None
    except IsADirectoryError:
        raise UnsupportedFormat("a folder is not a document") from None
    if size == 0:
        raise EmptyDocument("the file is empty (0 bytes)")
    if head.startswith(_TEXT_BOMS):  # before the MP3 frame check: FF FE looks like a sync
        return Sniffed("text", "text/plain")
    for magic, anywhere, sniffed in _MAGIC:
        if (magic in head[:1024]) if anywhere else head.startswith(magic):
            return sniffed
    if _is_wave(head):
        return Sniffed("audio", "audio/wav")
    if _is_m4a(head):
        return Sniffed("audio", "audio/mp4")
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if _is_mp3_frame(head):
        return Sniffed("audio", "audio/mpeg")
    if _looks_like_text(head):
        return Sniffed("text", "text/plain")
    raise UnsupportedFormat("the file type is not supported", {"size": size})


def _zip_kind(path: Path) -> Sniffed:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return DOCX  # a truncated Word file still starts like one: the reader calls it corrupt
    if "word/document.xml" in names:
        return DOCX
    raise UnsupportedFormat("zip archives other than Word documents are not supported")
