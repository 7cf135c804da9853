"""Inputs that cost memory, made by code at the size a run asks for: each is within the
product's limits (or just past one that must be checked before anything is inflated). Big
files are written in streams, so the test process stays small too."""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docx
import pymupdf
from PIL import Image, ImageDraw

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_OPEN = f'<w:document xmlns:w="{W_NS}"><w:body>'.encode()
_CLOSE = b"</w:body></w:document>"
_NOTE = "Aspirin 81 mg daily. Metformin 500 mg twice daily. Follow up in two weeks. "


@dataclass(frozen=True)
class MemoryInput:
    name: str
    make: Callable[[Path], Path]
    accept: frozenset[str]


def silent_wav(path: Path, seconds: int) -> Path:
    """8 kHz 8-bit mono, all of it a hole in a sparse file (4 h is 115 MB, under 200 MB)."""
    size = seconds * 8000
    header = (b"RIFF" + struct.pack("<I", 36 + size) + b"WAVE"
              + b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 8000, 1, 8)
              + b"data" + struct.pack("<I", size))
    with path.open("wb") as fh:
        fh.write(header)
        fh.truncate(len(header) + size)
    return path


def _docx_with_body(path: Path, write_body: Callable[[zipfile.ZipFile], None]) -> Path:
    seed = path.with_suffix(".seed.docx")
    document = docx.Document()
    document.add_paragraph("seed")
    document.save(seed)
    with zipfile.ZipFile(seed) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                dst.writestr(info, src.read(info))
        write_body(dst)
    seed.unlink()
    return path


def docx_big_part(path: Path, megabytes: int) -> Path:
    """``document.xml`` of ``megabytes`` MB of short paragraphs of text."""
    paragraph = f"<w:p><w:r><w:t>{_NOTE}</w:t></w:r></w:p>".encode()
    block = paragraph * ((1 << 20) // len(paragraph))

    def body(dst: zipfile.ZipFile) -> None:
        with dst.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(_OPEN)
            for _ in range(megabytes):
                fh.write(block)
            fh.write(_CLOSE)

    return _docx_with_body(path, body)


def docx_empty_paragraphs(path: Path, count: int) -> Path:
    def body(dst: zipfile.ZipFile) -> None:
        with dst.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(_OPEN)
            block = b"<w:p/>" * 100_000
            for _ in range(count // 100_000):
                fh.write(block)
            fh.write(b"<w:p><w:r><w:t>end</w:t></w:r></w:p>" + _CLOSE)

    return _docx_with_body(path, body)


def pdf_one_line(path: Path, chars: int) -> Path:
    """One page whose content draws one string of ``chars`` characters."""
    line = (_NOTE * (chars // len(_NOTE) + 1))[:chars].encode()
    with pymupdf.open() as doc:
        page = doc.new_page()
        page.insert_text((72, 72), "x")
        doc.update_stream(page.get_contents()[0],
                          b"BT /helv 9 Tf 72 720 Td (" + line + b") Tj ET")
        doc.save(path, deflate=True)
    return path


def text_file(path: Path, megabytes: int) -> Path:
    block = (_NOTE * ((1 << 20) // len(_NOTE) + 1))[: 1 << 20].encode()
    with path.open("wb") as fh:
        for _ in range(megabytes):
            fh.write(block)
    return path


def _page_picture(side: int) -> Image.Image:
    """A grey page of ``side``² pixels with a few lines of large print on it."""
    image = Image.new("L", (side, side), 255)
    draw = ImageDraw.Draw(image)
    for row in range(5):
        draw.text((side // 10, side // 10 + row * side // 12), _NOTE, fill=0,
                  font_size=max(12, side // 120))
    return image


def image_file(path: Path, side: int, fmt: str) -> Path:
    _page_picture(side).convert("RGB").save(path, format=fmt, compress_level=1)
    return path


def pdf_drawn_page(path: Path, side_pt: float) -> Path:
    """A page of ``side_pt``² points with drawings and no text layer: it is OCRed."""
    with pymupdf.open() as doc:
        page = doc.new_page(width=side_pt, height=side_pt)
        for i in range(20):
            y = side_pt * (i + 1) / 22
            page.draw_line((side_pt * 0.1, y), (side_pt * 0.9, y), width=2)
        doc.save(path)
    return path


def memory_inputs(full: bool) -> list[MemoryInput]:
    """The table's rows: the issue's sizes at full scale, smaller ones for CI that take the
    same paths through the readers."""
    too_large = frozenset({"FILE_TOO_LARGE"})
    stored = frozenset({"succeeded"})
    wav_s = 4 * 3600 - 60 if full else 20 * 60
    part_mb = 496 if full else 128
    paragraphs = 11_000_000 if full else 5_000_000
    line = 21_000_000 if full else 9_000_000
    text_mb = 200 if full else 60
    side = 9_990 if full else 6_000  # pixels: 99.8 Mpx, or 36 Mpx (over the OCR budget)
    page_pt = 3_590.0 if full else 2_200.0  # at 200 dpi: 99.4 Mpx, or 37 Mpx
    return [  # the recording last: the speech model it loads stays resident a while
        MemoryInput(f"DOCX, document.xml of {part_mb} MB",
                    lambda d: docx_big_part(d / "big_part.docx", part_mb), too_large),
        MemoryInput(f"DOCX, {paragraphs / 1e6:g} M empty paragraphs",
                    lambda d: docx_empty_paragraphs(d / "paragraphs.docx", paragraphs),
                    too_large),
        MemoryInput(f"PDF, one line of {line / 1e6:g} M characters",
                    lambda d: pdf_one_line(d / "line.pdf", line), too_large),
        MemoryInput(f"text file of {text_mb} MB",
                    lambda d: text_file(d / "big.txt", text_mb), too_large),
        MemoryInput(f"PNG {side}x{side} px", lambda d: image_file(d / "big.png", side, "PNG"),
                    stored),
        MemoryInput(f"JPEG {side}x{side} px",
                    lambda d: image_file(d / "big.jpg", side, "JPEG"), stored),
        MemoryInput(f"PDF page of {page_pt:g} pt square, drawn, OCRed",
                    lambda d: pdf_drawn_page(d / "page.pdf", page_pt), stored),
        MemoryInput(f"WAV of silence, {wav_s // 60} min (sparse)",
                    lambda d: silent_wav(d / "silence.wav", wav_s),
                    frozenset({"EMPTY_DOCUMENT"})),
    ]
