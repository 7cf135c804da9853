"""A corpus of hostile and damaged files, made by code from a few good seeds.

Each entry names what it is and which outcomes are acceptable: ``OK`` (a stored document
within the limits) and/or error codes. Random damage (truncation, bit flips) may land
anywhere, so it accepts any input-error code or success; crafted attacks (bombs, page
floods, deep nesting, sparse giants) expect their one code.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import struct
import wave
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pymupdf
from harness import INPUT_CODES
from PIL import Image

OK = "succeeded"
ANY = frozenset({OK, *INPUT_CODES})
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass(frozen=True)
class HostileInput:
    name: str
    path: Path
    accept: frozenset[str]


@dataclass(frozen=True)
class Seeds:
    pdf: Path
    docx: Path
    png: Path
    jpg: Path  # no checksums in JPEG: damage reaches the decoder and OCR
    wav: Path
    text: str


def make_seeds(folder: Path, eval_dir: Path, samples_dir: Path) -> Seeds:
    """Small good files: a text PDF, a Word note, a cropped scan, six seconds of speech."""
    folder.mkdir(parents=True, exist_ok=True)
    docs = eval_dir / "documents"
    pdf = Path(shutil.copy(docs / "note_1315_text.pdf", folder / "seed.pdf"))
    docx = Path(shutil.copy(docs / "note_1315.docx", folder / "seed.docx"))
    png = folder / "seed.png"
    with Image.open(samples_dir / "scanned_lab_report.png") as scan:
        top = scan.crop((0, 0, scan.width, scan.height // 3))
        top.save(png)
        top.resize((top.width // 2, top.height // 2)).save(folder / "seed.jpg", quality=80)
    wav = folder / "seed.wav"
    source = eval_dir / "audio" / "synthetic_dictation" / "dictation_1315.wav"
    with wave.open(str(source)) as src, wave.open(str(wav), "wb") as dst:
        dst.setparams(src.getparams())
        dst.writeframes(src.readframes(src.getframerate() * 6))
    return Seeds(pdf, docx, png, folder / "seed.jpg", wav,
                 (docs / "note_1315.txt").read_text())


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def damaged(seeds: Seeds, folder: Path, rng: random.Random) -> Iterator[HostileInput]:
    """Truncations and bit flips of every seed kind."""
    for seed in (seeds.pdf, seeds.docx, seeds.png, seeds.wav):
        data = seed.read_bytes()
        for share in (0.01, 0.1, 0.5, 0.9, 0.99):
            cut = max(1, int(len(data) * share))
            yield HostileInput(f"truncated {share:.0%} {seed.suffix}",
                               _write(folder / f"trunc_{share}{seed.suffix}", data[:cut]), ANY)
        for i in range(5):
            flipped = bytearray(data)
            for _ in range(max(1, len(data) // rng.choice((100, 1000, 10_000)))):
                flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
            yield HostileInput(f"bit-flipped #{i} {seed.suffix}",
                               _write(folder / f"flip_{i}{seed.suffix}", bytes(flipped)), ANY)


def _docx_with(document_xml: bytes | Callable[[zipfile.ZipFile], None], seed: Path,
               out: Path) -> Path:
    """The seed's package with its main part replaced (or written by a callback)."""
    with zipfile.ZipFile(seed) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                dst.writestr(info, src.read(info))
        if callable(document_xml):
            document_xml(dst)
        else:
            dst.writestr("word/document.xml", document_xml)
    return out


def _body(inner: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<w:document xmlns:w="{W_NS}"><w:body>{inner}</w:body></w:document>').encode()


def _nested_tables(depth: int) -> bytes:
    cell = "<w:p><w:r><w:t>innermost</w:t></w:r></w:p>"
    for _ in range(depth):
        cell = f"<w:tbl><w:tr><w:tc>{cell}<w:p/></w:tc></w:tr></w:tbl>"
    return _body(cell + "<w:p><w:r><w:t>after the table</w:t></w:r></w:p>")


def _inflating_member(size: int) -> Callable[[zipfile.ZipFile], None]:
    """A main part of ``size`` bytes of blanks: a zip bomb that states its real size."""
    def write(dst: zipfile.ZipFile) -> None:
        with dst.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(_body("")[:-len("</w:body></w:document>")])
            block = b" " * (1 << 20)
            for _ in range(size >> 20):
                fh.write(block)
            fh.write(b"</w:body></w:document>")
    return write


def _docx_first_member(seed: Path, out: Path) -> Path:
    """The seed's package behind a stored first member that quotes a PDF header."""
    with zipfile.ZipFile(seed) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        dst.writestr("customXml/note.xml", b"<n>%PDF-1.7 quoted</n>", zipfile.ZIP_STORED)
        for info in src.infolist():
            dst.writestr(info, src.read(info))
    return out


def _many_parts(dst: zipfile.ZipFile) -> None:
    for i in range(20_000):
        dst.writestr(f"customXml/flood{i}.xml", b"<a/>")
    dst.writestr("word/document.xml", _body("<w:p/>"))


def _understated(path: Path, member: str, stated: int) -> Path:
    """Rewrite a member's sizes in the local and central headers to ``stated`` bytes: the
    bomb that lies (readers must stop at the stated size and catch the CRC)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    struct.pack_into("<I", data, info.header_offset + 22, stated)
    name = member.encode()
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46:central + 46 + name_len] == name:
            struct.pack_into("<I", data, central + 24, stated)
        central = data.find(b"PK\x01\x02", central + 4)
    return _write(path, bytes(data))


def _png(width: int, height: int, idat: bytes) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit grey
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat)
            + chunk(b"IEND", b""))


def _pdf(pages: int, text: str | None, out: Path, javascript: bool = False) -> Path:
    with pymupdf.open() as doc:
        for _ in range(pages):
            page = doc.new_page()
            if text:
                page.insert_text((72, 72), text, fontsize=11)
        if javascript:
            doc.xref_set_key(doc.pdf_catalog(), "OpenAction",
                             "<< /S /JavaScript /JS (app.launchURL\\('http://203.0.113.9/'\\);"
                             " this.exportDataObject\\({cName: 'x', nLaunch: 2}\\);) >>")
            doc[0].insert_link({"kind": pymupdf.LINK_URI, "uri": "http://203.0.113.9/x",
                                "from": pymupdf.Rect(72, 60, 300, 80)})
        doc.save(out)
    return out


def crafted(seeds: Seeds, folder: Path) -> Iterator[HostileInput]:
    """Attacks and oddities, each with the outcome it must get."""
    too_large = frozenset({"FILE_TOO_LARGE"})
    yield HostileInput("zip bomb DOCX (600 MB stated)", _docx_with(
        _inflating_member(600 << 20), seeds.docx, folder / "bomb.docx"), too_large)
    lying = _docx_with(_inflating_member(64 << 20), seeds.docx, folder / "bomb_lying.docx")
    yield HostileInput("zip bomb DOCX (64 MB stated as 1 KB)",
                       _understated(lying, "word/document.xml", 1024),
                       frozenset({"CORRUPT_FILE"}))
    yield HostileInput("DOCX with 20,000 parts", _docx_with(
        _many_parts, seeds.docx, folder / "parts.docx"), too_large)
    for depth, accept in ((5, {OK}), (25, {"CORRUPT_FILE"}), (400, {"CORRUPT_FILE"})):
        yield HostileInput(f"DOCX tables nested {depth} deep", _docx_with(
            _nested_tables(depth), seeds.docx, folder / f"nested_{depth}.docx"),
            frozenset(accept))
    laughs = ('<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "hahahahahaha">'
              + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'
                        for i in range(8))
              + f']><w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&i;</w:t></w:r>'
              "</w:p></w:body></w:document>")
    yield HostileInput("DOCX billion laughs", _docx_with(laughs.encode(), seeds.docx,
                                                         folder / "laughs.docx"),
                       frozenset({"CORRUPT_FILE", "EMPTY_DOCUMENT", OK}))
    yield HostileInput("PNG decompression bomb (60000² px)",
                       _write(folder / "bomb.png", _png(60_000, 60_000, zlib.compress(
                           b"\0" * (1 << 20), 9))), too_large)
    yield HostileInput("PNG over the pixel limit (11000² px)",
                       _write(folder / "big.png", _png(11_000, 11_000, zlib.compress(
                           b"\0" * 1024, 9))), too_large)
    yield HostileInput("PNG 9000² px with truncated data",
                       _write(folder / "short.png", _png(9_000, 9_000, zlib.compress(
                           b"\0" * 4096, 9))), frozenset({"CORRUPT_FILE"}))
    yield HostileInput("PDF with 3,000 pages", _pdf(3000, None, folder / "pages.pdf"),
                       too_large)
    yield HostileInput("PDF with 1,500 text pages", _pdf(1500, "Aspirin 81 mg daily.",
                                                         folder / "long.pdf"), frozenset({OK}))
    yield HostileInput("PDF with JavaScript and a link", _pdf(
        1, "Metformin 500 mg twice daily.", folder / "js.pdf", javascript=True),
        frozenset({OK}))
    loop = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [2 0 R] /Count 1 >> endobj\n"
            b"trailer << /Root 1 0 R >>\n%%EOF\n")
    yield HostileInput("PDF page tree that contains itself", _write(folder / "loop.pdf", loop),
                       frozenset({"CORRUPT_FILE", "EMPTY_DOCUMENT"}))
    frames = [Image.new("L", (8, 8), 255) for _ in range(2100)]
    tiff = folder / "frames.tiff"
    frames[0].save(tiff, save_all=True, append_images=frames[1:])
    yield HostileInput("TIFF with 2,100 frames", tiff, too_large)
    for seed, fake in ((seeds.pdf, ".docx"), (seeds.docx, ".pdf"), (seeds.png, ".txt"),
                       (seeds.wav, ".pdf")):
        yield HostileInput(f"{seed.suffix} named {fake}",
                           Path(shutil.copy(seed, folder / f"wrong_{seed.suffix[1:]}{fake}")),
                           frozenset({OK}))
    yield HostileInput("DOCX whose first member holds %PDF-",
                       _docx_first_member(seeds.docx, folder / "pdf_marker.docx"),
                       frozenset({OK}))
    for suffix in (".pdf", ".docx", ".txt", ".png", ".wav"):
        yield HostileInput(f"zero bytes {suffix}", _write(folder / f"zero{suffix}", b""),
                           frozenset({"EMPTY_DOCUMENT"}))
    wav_head = seeds.wav.read_bytes()[:44]  # a RIFF header whose sizes say 6 s
    for suffix, head in ((".pdf", b"%PDF-1.7\n"), (".wav", wav_head), (".txt", b"note ")):
        sparse = folder / f"sparse{suffix}"
        with sparse.open("wb") as fh:
            fh.write(head)
            fh.truncate(2 << 30)  # 2 GiB, almost all of it a hole
        yield HostileInput(f"2 GiB sparse file {suffix}", sparse, too_large)
    yield from _texts(seeds.text, folder)
    yield from _specials(folder)
    yield from _odd_names(seeds, folder)


def _texts(note: str, folder: Path) -> Iterator[HostileInput]:
    ascii_note = note.encode("ascii", "replace").decode()
    variants = {
        "cp1252": (ascii_note + " café résumé naïve £5 – “quoted”").encode("cp1252"),
        "latin-1": (ascii_note + " Größe Übelkeit").encode("latin-1"),
        "shift-jis": ("患者は頭痛を訴えた。" * 20).encode("shift_jis"),
        "utf-16 without BOM": note.encode("utf-16-le"),
        "invalid UTF-8 sequences": note.encode() + b"\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28",
        "lone surrogates (CESU-8)": note.encode() + b"\xed\xa0\x80\xed\xbf\xbf",
        "random high bytes": bytes(random.Random(7).randrange(128, 256) for _ in range(4000)),
        "NULs and control characters": b"\x00\x01\x02\x1b[31m" * 300 + note.encode(),
        "one 300 KB line": b"fever " * 50_000,
    }
    for i, (name, data) in enumerate(variants.items()):
        yield HostileInput(f"text: {name}", _write(folder / f"text_{i}.txt", data),
                           frozenset({OK, "UNSUPPORTED_FORMAT", "EMPTY_DOCUMENT"}))


def _specials(folder: Path) -> Iterator[HostileInput]:
    fifo = folder / "pipe.txt"
    os.mkfifo(fifo)
    # The pipeline refuses what is not a regular file before it is read.
    not_a_file = frozenset({"UNSUPPORTED_FORMAT"})
    yield HostileInput("named pipe", fifo, not_a_file)
    device = folder / "dev_zero.pdf"
    device.symlink_to("/dev/zero")
    yield HostileInput("link to /dev/zero", device, frozenset({"FORBIDDEN_PATH"}))
    own = folder / "self_link.pdf"
    own.symlink_to(own)
    yield HostileInput("link to itself", own, frozenset({"FILE_NOT_FOUND"}))
    dangling = folder / "dangling.pdf"
    dangling.symlink_to(folder / "deleted.pdf")
    yield HostileInput("dangling link", dangling, frozenset({"FILE_NOT_FOUND"}))
    directory = folder / "folder.pdf"
    directory.mkdir()
    yield HostileInput("a folder", directory, not_a_file)
    yield HostileInput("a missing file", folder / "missing.pdf", frozenset({"FILE_NOT_FOUND"}))
    rtf = _write(folder / "letter.rtf", b"{\\rtf1\\ansi Hello}")
    yield HostileInput("RTF", rtf, frozenset({"UNSUPPORTED_FORMAT"}))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "not a Word document")
    yield HostileInput("plain zip named .docx", _write(folder / "plain.docx", buf.getvalue()),
                       frozenset({"UNSUPPORTED_FORMAT"}))
    empty = frozenset({"EMPTY_DOCUMENT"})
    pixel = io.BytesIO()
    Image.new("RGBA", (1, 1), (0, 0, 0, 0)).save(pixel, format="PNG")
    yield HostileInput("1x1 PNG", _write(folder / "pixel.png", pixel.getvalue()), empty)
    yield HostileInput("zero-width characters only", _write(
        folder / "invisible.txt", "\u200b\u200c\u200d\u2060\ufeff".encode() * 200), empty)
    nested = b"[" * 11_000 + b"]" * 11_000
    yield HostileInput("PDF page dictionary with 11,000 nested arrays", _write(
        folder / "nested_arrays.pdf",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /X " + nested
        + b" >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"), frozenset({"CORRUPT_FILE"}))


def _odd_names(seeds: Seeds, folder: Path) -> Iterator[HostileInput]:
    """Good documents under names no UI would make: they are stored, escaped."""
    names = (b"r\xe9sum\xe9 latin-1.txt", b"two\nlines.txt", "rtl \u202etxt.exe".encode(),
             b"tab\tand\x1bescape.txt")
    for i, raw in enumerate(names):
        path = Path(os.fsdecode(bytes(folder) + b"/" + raw))
        path.write_text(f"{i} {seeds.text}")
        yield HostileInput(f"odd file name #{i}", path, frozenset({OK}))


def corpus(folder: Path, eval_dir: Path, samples_dir: Path, seed: int) -> list[HostileInput]:
    seeds = make_seeds(folder / "seeds", eval_dir, samples_dir)
    out = folder / "corpus"
    out.mkdir()
    rng = random.Random(seed)
    return [*damaged(seeds, out, rng), *crafted(seeds, out)]
