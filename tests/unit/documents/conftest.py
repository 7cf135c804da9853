"""Documents made by code for the extraction tests (PDF, DOCX, images, text)."""

from __future__ import annotations

from pathlib import Path

import docx
import pymupdf
import pytest
from PIL import Image

LINES = ["Chest pain resolved after aspirin.", "Metformin 500 mg twice daily.",
         "Follow up in two weeks."]


def text_page_pixmap(text: str, dpi: int = 200) -> pymupdf.Pixmap:
    """A picture of a page of text (what a scanner produces)."""
    with pymupdf.open() as doc:
        page = doc.new_page(width=420, height=200)
        page.insert_textbox(pymupdf.Rect(20, 20, 400, 180), text, fontsize=14)
        return page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)


def pixmap_image(pix: pymupdf.Pixmap) -> Image.Image:
    return Image.frombytes("L", (pix.width, pix.height), pix.samples)


@pytest.fixture(scope="session")
def made(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("made")
    out: dict[str, Path] = {}

    pdf = pymupdf.open()
    for i, line in enumerate(LINES):
        pdf.new_page().insert_text((72, 72), f"Page {i + 1}. {line}")
    scan = pdf.new_page(width=420, height=200)  # a page with no text layer: needs OCR
    scan.insert_image(scan.rect, pixmap=text_page_pixmap("Scanned: hypertension noted."))
    pdf.new_page()  # blank page: kept, not OCRed
    out["mixed.pdf"] = root / "mixed.pdf"
    pdf.save(out["mixed.pdf"])

    word = docx.Document()
    word.sections[0].header.paragraphs[0].text = "Clinic header"
    word.add_paragraph("First paragraph.")
    table = word.add_table(rows=2, cols=2)
    for r in range(2):
        for c in range(2):
            table.cell(r, c).text = f"cell {r}{c}"
    word.add_paragraph("After the table.")
    word.sections[0].footer.paragraphs[0].text = "Clinic footer"
    out["letter.docx"] = root / "letter.docx"
    word.save(out["letter.docx"])

    frames = [pixmap_image(text_page_pixmap(t)) for t in ("Frame one insulin",
                                                          "Frame two warfarin")]
    out["fax.tiff"] = root / "fax.tiff"
    frames[0].save(out["fax.tiff"], save_all=True, append_images=frames[1:])
    out["photo.png"] = root / "photo.png"
    frames[0].save(out["photo.png"])
    out["photo.jpg"] = root / "photo.jpg"
    frames[1].convert("RGB").save(out["photo.jpg"], quality=90)

    for name, enc in (("utf8.txt", "utf-8"), ("utf16.txt", "utf-16"),
                      ("latin1.txt", "latin-1")):
        out[name] = root / name
        out[name].write_bytes("Café résumé: naïve patient, 37.5 °C.\n".encode(enc))
    return out
