"""Documents made by code for the extraction tests (PDF, DOCX, images, text), and the
evaluation documents' extraction results shared by the tests that read them (OCR is slow)."""

from __future__ import annotations

import io
import json
import stat
import zipfile
from pathlib import Path
from types import SimpleNamespace

import docx
import pymupdf
import pytest
from docx.oxml import parse_xml
from PIL import Image

from engine.documents import extract_document
from engine.errors import HntaiError

LINES = ["Chest pain resolved after aspirin.", "Metformin 500 mg twice daily.",
         "Follow up in two weeks."]

NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:v="urn:schemas-microsoft-com:vml" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"')


def text_page_pixmap(text: str, dpi: int = 200, width: float = 420,
                     height: float = 200) -> pymupdf.Pixmap:
    """A picture of a page of text (what a scanner produces)."""
    with pymupdf.open() as doc:
        page = doc.new_page(width=width, height=height)
        page.insert_textbox(pymupdf.Rect(20, 20, width - 20, height - 20), text, fontsize=14)
        return page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)


def pixmap_image(pix: pymupdf.Pixmap) -> Image.Image:
    return Image.frombytes("L", (pix.width, pix.height), pix.samples)


def image_only_pdf(path: Path, pixmaps: list[pymupdf.Pixmap], stamp: str | None = None) -> None:
    """A scanned document: every page is one picture; ``stamp`` adds a short text layer."""
    with pymupdf.open() as doc:
        for pix in pixmaps:
            page = doc.new_page(width=pix.width * 72 / 200, height=pix.height * 72 / 200)
            page.insert_image(page.rect, pixmap=pix)
            if stamp:
                page.insert_text((8, page.rect.height - 8), stamp, fontsize=7)
        doc.save(path)


def fake_tesseract(path: Path, body: str) -> Path:
    """A stand-in Tesseract: lists English, and runs ``body`` (sh) for an OCR call."""
    path.write_text('#!/bin/sh\nif [ "$1" = "--list-langs" ]; then\n'
                    '  echo "List of available languages (1):"; echo eng; exit 0\nfi\n'
                    f"cat >/dev/null\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def _form_docx(path: Path) -> None:
    """Content controls, tracked changes, a field, a text box, merged and nested tables, two
    sections with their own header and footer, and (added below) a footnote."""
    word = docx.Document()
    word.sections[0].header.paragraphs[0].text = "Clinic header"
    word.sections[0].footer.paragraphs[0].text = "Clinic footer"
    word.add_paragraph("Intro paragraph.")
    anchor = word.add_paragraph("")
    anchor._p.addnext(parse_xml(
        f'<w:sdt {NS}><w:sdtPr><w:alias w:val="Block"/></w:sdtPr><w:sdtContent>'
        '<w:p><w:r><w:t>Control block text</w:t></w:r></w:p></w:sdtContent></w:sdt>'))
    para = word.add_paragraph("Patient: ")
    para._p.append(parse_xml(
        f'<w:sdt {NS}><w:sdtPr/><w:sdtContent><w:r><w:t>John Control</w:t></w:r>'
        '</w:sdtContent></w:sdt>'))
    para = word.add_paragraph("Dose ")
    para._p.append(parse_xml(f'<w:ins {NS} w:id="1" w:author="a"><w:r><w:t>inserted 20 mg'
                             '</w:t></w:r></w:ins>'))
    para._p.append(parse_xml(f'<w:del {NS} w:id="2" w:author="a"><w:r><w:delText>'
                             'deleted 10 mg</w:delText></w:r></w:del>'))
    para = word.add_paragraph("Page ")
    for fragment in ('<w:r {NS}><w:fldChar w:fldCharType="begin"/></w:r>',
                     '<w:r {NS}><w:instrText> PAGE </w:instrText></w:r>',
                     '<w:r {NS}><w:fldChar w:fldCharType="separate"/></w:r>',
                     '<w:r {NS}><w:t>7</w:t></w:r>',
                     '<w:r {NS}><w:fldChar w:fldCharType="end"/></w:r>'):
        para._p.append(parse_xml(fragment.format(NS=NS)))
    para = word.add_paragraph("Before the box.")
    box = '<w:txbxContent><w:p><w:r><w:t>Box text</w:t></w:r></w:p></w:txbxContent>'
    para._p.append(parse_xml(
        f'<w:r {NS}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx>'
        f'{box}</wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>'
        f'{box}</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>'))
    table = word.add_table(rows=3, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Drug", "Dose"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "Warfarin"
    table.cell(1, 1).text, table.cell(2, 1).text = "5 mg", "2 mg"
    inner = table.cell(0, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "inner a", "inner b"
    word.add_paragraph("Footnoted sentence.")
    second = word.add_section()
    second.header.is_linked_to_previous = False
    second.header.paragraphs[0].text = "Second header"
    second.footer.is_linked_to_previous = False
    second.footer.paragraphs[0].text = "Second footer"
    word.add_paragraph("Second section body.")
    buf = io.BytesIO()
    word.save(buf)
    _add_footnote(buf.getvalue(), path, "Footnote text about allergy.")


def _add_footnote(data: bytes, path: Path, text: str) -> None:
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    notes = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{w}">'
             '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
             '</w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>'
             f'{text}</w:t></w:r></w:p></w:footnote></w:footnotes>')
    rel = ('<Relationship Id="rIdFoot1" Target="footnotes.xml" Type="http://schemas.'
           'openxmlformats.org/officeDocument/2006/relationships/footnotes"/>')
    override = ('<Override PartName="/word/footnotes.xml" ContentType="application/vnd.'
                'openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>')
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "word/_rels/document.xml.rels":
                content = content.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
            elif item.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", override.encode() + b"</Types>")
            dst.writestr(item, content)
        dst.writestr("word/footnotes.xml", notes)


@pytest.fixture(scope="session")
def draw() -> SimpleNamespace:
    """The helpers above, for test modules (conftest is not importable from them)."""
    return SimpleNamespace(text_page_pixmap=text_page_pixmap, pixmap_image=pixmap_image,
                           image_only_pdf=image_only_pdf, fake_tesseract=fake_tesseract)


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

    out["form.docx"] = root / "form.docx"
    _form_docx(out["form.docx"])

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


@pytest.fixture(scope="session")
def eval_results(eval_dir) -> dict[str, object]:
    """Each manifest file extracted once: an ExtractedDocument, or the HntaiError raised."""
    docs = eval_dir / "documents"
    manifest = json.loads((docs / "MANIFEST.json").read_text())
    results: dict[str, object] = {}
    for name in [*manifest["good"], *manifest["bad"]]:
        try:
            results[name] = extract_document(docs / name)
        except HntaiError as exc:
            results[name] = exc
    return results
