"""Decide a file's kind from its bytes, never from its name."""

from __future__ import annotations

import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from engine.errors import EmptyDocument, FileNotFound, UnsupportedFormat

_HEAD = 4096


@dataclass(frozen=True)
class Sniffed:
    kind: str  # pdf | docx | image | text | audio | ccda | fhir
    mime: str


DOCX = Sniffed("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
# An Office file saved with a password is an OLE2 container around the encrypted package;
# the Word reader reports it as a protected document.
ENCRYPTED_OFFICE = Sniffed("docx", "application/x-ole-storage")
TEXT = Sniffed("text", "text/plain")

PDF = Sniffed("pdf", "application/pdf")
CCDA = Sniffed("ccda", "application/hl7-cda+xml")
FHIR = Sniffed("fhir", "application/fhir+json")
# A C-CDA's root element may follow a long prolog (stylesheet, comments): read further.
_PROLOG_BYTES = 64 * 1024
_CDA_ROOT = re.compile(r"\s*(?:<\?.*?\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*"
                       r"<(?:[\w.-]+:)?ClinicalDocument\b", re.DOTALL)
_FHIR_TYPE = re.compile(r'\s*\{.*?"resourceType"\s*:\s*"[A-Z][A-Za-z]+"', re.DOTALL)
# Signatures at offset 0. PDF readers also accept a header late in the first KiB: that is
# looked for only after every container that starts at offset 0 (a Word file may hold
# "%PDF-" in its first member).
_MAGIC: tuple[tuple[bytes, Sniffed], ...] = (
    (b"\x89PNG\r\n\x1a\n", Sniffed("image", "image/png")),
    (b"\xff\xd8\xff", Sniffed("image", "image/jpeg")),
    (b"II*\x00", Sniffed("image", "image/tiff")),
    (b"MM\x00*", Sniffed("image", "image/tiff")),
    (b"GIF87a", Sniffed("image", "image/gif")),
    (b"GIF89a", Sniffed("image", "image/gif")),
    (b"fLaC", Sniffed("audio", "audio/flac")),
    (b"OggS", Sniffed("audio", "audio/ogg")),
    (b"ID3", Sniffed("audio", "audio/mpeg")),
)

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_OLE2_SCAN_BYTES = 256 * 1024 * 1024

# Longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
TEXT_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
)


def _riff(head: bytes, form: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == form


def _is_mp3_frame(head: bytes) -> bool:
    return len(head) > 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06 != 0


def _is_m4a(head: bytes) -> bool:
    return head[4:8] == b"ftyp" and head[8:12] in (b"M4A ", b"mp42", b"isom", b"M4B ", b"3gp4")


def bom_encoding(data: bytes) -> str | None:
    return next((enc for bom, enc in TEXT_BOMS if data.startswith(bom)), None)


def bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a byte order mark (some exports write it): mostly-Latin text has a
    zero in every other byte, on one side only."""
    sample = data[:_HEAD - (_HEAD % 2)]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    for zeros, other, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros >= 0.4 * pairs and other <= 0.02 * pairs:
            try:
                sample[: pairs * 2 - 2].decode(encoding)  # a cut surrogate pair may end it
            except UnicodeDecodeError:
                return None
            return encoding
    return None


def _looks_like_text(head: bytes, whole: bool) -> bool:
    if head.count(0) > len(head) // 200:  # a stray NUL or two is damage; binary has many
        return False
    printable = sum(1 for b in head if b >= 32 or b in (9, 10, 12, 13))
    if printable / max(len(head), 1) <= 0.95:
        return False
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        if not whole and exc.start >= len(head) - 3:  # a character cut by the head's end
            return True
    best = from_bytes(head).best()  # a legacy code page, if it reads as language
    return best is not None and best.chaos < 0.3


def detect(path: Path) -> Sniffed:
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise UnsupportedFormat("a folder is not a document")
        if not stat.S_ISREG(info.st_mode):  # a pipe or device would block or never end
            raise UnsupportedFormat("only regular files can be read as documents")
        with path.open("rb") as fh:
            head = fh.read(_HEAD)
    except (FileNotFoundError, NotADirectoryError):
        raise FileNotFound("the file does not exist") from None
    except PermissionError:
        raise FileNotFound("the file cannot be opened: permission denied") from None
    except IsADirectoryError:
        raise UnsupportedFormat("a folder is not a document") from None
    size = info.st_size
    if size == 0:
        raise EmptyDocument("the file is empty (0 bytes)")
    if bom_encoding(head):  # before the MP3 frame check: FF FE looks like a sync
        return _structured(path, head) or TEXT
    if head.startswith(b"%PDF-"):
        return PDF
    for magic, sniffed in _MAGIC:
        if head.startswith(magic):
            return sniffed
    if _riff(head, b"WAVE"):
        return Sniffed("audio", "audio/wav")
    if _riff(head, b"WEBP"):
        return Sniffed("image", "image/webp")
    if _is_m4a(head):
        return Sniffed("audio", "audio/mp4")
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if head.startswith(_OLE2):
        return _ole2_kind(path)
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(b"{\\rtf"):
        raise UnsupportedFormat("RTF documents are not supported: save them as DOCX or PDF")
    if _is_mp3_frame(head):
        return Sniffed("audio", "audio/mpeg")
    if bomless_utf16(head) or _looks_like_text(head, whole=size <= _HEAD):
        return _structured(path, head) or TEXT
    raise UnsupportedFormat("the file type is not supported", {"size": size})


def _structured(path: Path, head: bytes) -> Sniffed | None:
    """A C-CDA (ClinicalDocument root in the HL7 v3 namespace) or a FHIR resource (a JSON
    object naming its resourceType), told from the start of a text file."""
    encoding = bom_encoding(head) or bomless_utf16(head) or "utf-8"
    text = head.decode(encoding, errors="ignore").lstrip("\ufeff")
    if text.lstrip().startswith("<"):
        with path.open("rb") as fh:
            text = fh.read(_PROLOG_BYTES).decode(encoding, errors="ignore").lstrip("\ufeff")
        root = _CDA_ROOT.match(text)
        return CCDA if root and "urn:hl7-org:v3" in text else None
    return FHIR if _FHIR_TYPE.match(text) else None


def _zip_kind(path: Path) -> Sniffed:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return DOCX  # a truncated Word file still starts like one: the reader calls it corrupt
    # The main part is word/document.xml in practice; the package's own index can say else.
    if "word/document.xml" in names or (
        "[Content_Types].xml" in names and any(n.startswith("word/") for n in names)
    ):
        return DOCX
    raise UnsupportedFormat("zip archives other than Word documents are not supported")


def _ole2_kind(path: Path) -> Sniffed:
    """OLE2 holds legacy Office files (.doc, .xls, .msg) and password-protected new ones."""
    tail = b""
    with path.open("rb") as fh:
        read = 0
        while read < _OLE2_SCAN_BYTES:
            block = fh.read(1 << 20)
            if not block:
                break
            read += len(block)
            if _ENCRYPTED_PACKAGE in tail + block:
                return ENCRYPTED_OFFICE
            tail = block[-len(_ENCRYPTED_PACKAGE):]
    raise UnsupportedFormat("legacy Office files (.doc, .xls) are not supported: "
                            "save them as DOCX or PDF")
