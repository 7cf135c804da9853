"""Reader details: what each kind reads and in what order, when PDF pages are OCRed, how
Tesseract is run, what the caller's callbacks may raise, and the edges of sniffing."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pymupdf
import pytesseract
import pytest
from PIL import Image

from engine.documents import ExtractionLimits, detect_kind, extract_document
from engine.documents.pdf import _second_look
from engine.errors import Cancelled, HntaiError


def _code(path: Path, limits: ExtractionLimits | None = None, **kwargs) -> str:
    with pytest.raises(HntaiError) as err:
        extract_document(path, limits, **kwargs)
    return err.value.code.value


# --- DOCX --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def form_text(made) -> str:
    return extract_document(made["form.docx"]).text


def test_docx_reads_everything_in_reading_order(form_text):
    order = ["Clinic header", "Second header", "Intro paragraph.", "Control block text",
             "Patient: John Control", "Dose inserted 20 mg", "Page 7", "Before the box.",
             "Box text", "Drug | Dose inner a | inner b", "Warfarin | 5 mg", "2 mg",
             "Footnoted sentence.", "Second section body.", "Footnote text about allergy.",
             "Clinic footer", "Second footer"]
    positions = [form_text.index(item) for item in order]
    assert positions == sorted(positions)


def test_docx_leaves_out_deleted_text_field_codes_and_duplicates(form_text):
    assert "deleted" not in form_text
    assert "PAGE" not in form_text  # the field's code; its result "7" is read
    assert form_text.count("Box text") == 1  # the text box's fallback copy is not read twice
    assert form_text.count("Warfarin") == 1  # a merged cell is one cell


def test_docx_macro_enabled_document_reads(made, tmp_path):
    docm = tmp_path / "letter.docm"
    main = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    with zipfile.ZipFile(made["letter.docx"]) as src, zipfile.ZipFile(docm, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(main, b"application/vnd.ms-word.document.macroEnabled.main+xml")
            dst.writestr(item, data)
    assert "First paragraph." in extract_document(docm).text


def test_docx_with_too_many_parts_is_refused(made, tmp_path):
    bomb = tmp_path / "many.docx"
    with zipfile.ZipFile(made["letter.docx"]) as src, zipfile.ZipFile(bomb, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        for i in range(10_001):
            dst.writestr(f"padding/part{i}.xml", b"")
    assert _code(bomb) == "FILE_TOO_LARGE"


def test_password_protected_office_file_is_encrypted(tmp_path):
    # Office saves a password-protected DOCX as an OLE2 container holding EncryptedPackage.
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    entry = "EncryptedPackage".encode("utf-16-le").ljust(128, b"\0")
    target = tmp_path / "secret.docx"
    target.write_bytes(header + bytes(512) + entry + bytes(1024))
    assert detect_kind(target) == "docx"
    assert _code(target) == "ENCRYPTED_DOCUMENT"
    legacy = tmp_path / "old.doc"
    legacy.write_bytes(header + "WordDocument".encode("utf-16-le").ljust(2048, b"\0"))
    with pytest.raises(HntaiError) as err:
        detect_kind(legacy)
    assert err.value.code.value == "UNSUPPORTED_FORMAT" and "legacy" in err.value.message


# --- PDF: which pages are OCRed -----------------------------------------------------------


@pytest.fixture(scope="module")
def pdf_cases(draw, tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("pdf_cases")
    out: dict[str, Path] = {}
    # Two columns on one scanned page: automatic layout (psm 3) reads them one after the
    # other; a single-block layout (psm 6) would interleave their lines.
    with pymupdf.open() as doc:
        page = doc.new_page(width=612, height=300)
        left = "\n".join(f"Left{i} alpha" for i in range(1, 7))
        right = "\n".join(f"Right{i} omega" for i in range(1, 7))
        page.insert_textbox(pymupdf.Rect(30, 30, 280, 280), left, fontsize=13)
        page.insert_textbox(pymupdf.Rect(330, 30, 580, 280), right, fontsize=13)
        pix = page.get_pixmap(dpi=200, colorspace=pymupdf.csGRAY)
    out["columns.pdf"] = root / "columns.pdf"
    draw.image_only_pdf(out["columns.pdf"], [pix])
    # A scan with a fax header stamped on as text: the text layer alone is not the page.
    out["stamped.pdf"] = root / "stamped.pdf"
    draw.image_only_pdf(out["stamped.pdf"],
                   [draw.text_page_pixmap("Discharge note: pneumonia treated.")],
                   stamp="FAX 0123 P1")
    # Text drawn as outlines (vector paths, no text layer).
    with pymupdf.open() as doc:
        doc.new_page(width=420, height=200).insert_textbox(
            pymupdf.Rect(20, 20, 400, 180), "Outlined: atrial fibrillation.", fontsize=16)
        svg = doc[0].get_svg_image(text_as_path=True)
    with pymupdf.open(stream=svg.encode(), filetype="svg") as vector:
        out["outlined.pdf"] = root / "outlined.pdf"
        with pymupdf.open("pdf", vector.convert_to_pdf()) as converted:
            converted.save(out["outlined.pdf"])
    return out


def test_scanned_columns_are_read_one_after_the_other(pdf_cases):
    doc = extract_document(pdf_cases["columns.pdf"])
    assert doc.ocr_page_count == 1
    labels = re.findall(r"(Left|Right)\d", doc.text)
    assert labels.count("Left") >= 5 and labels.count("Right") >= 5
    first_right = labels.index("Right")
    assert "Left" not in labels[first_right:]  # no interleaving


def test_short_text_layer_over_a_scan_is_ocred_and_kept(pdf_cases):
    doc = extract_document(pdf_cases["stamped.pdf"])
    assert doc.ocr_page_count == 1
    assert "pneumonia" in doc.text.lower()
    assert "FAX 0123 P1" in doc.text


def test_text_drawn_as_outlines_is_ocred(pdf_cases):
    with pymupdf.open(pdf_cases["outlined.pdf"]) as pdf:
        assert not pdf[0].get_text().strip()  # really no text layer
    doc = extract_document(pdf_cases["outlined.pdf"])
    assert doc.ocr_page_count == 1 and "fibrillation" in doc.text.lower()


def test_text_layer_of_unmapped_glyphs_is_replaced_by_ocr(pdf_cases):
    with pymupdf.open(pdf_cases["stamped.pdf"]) as pdf:
        text, ocr = _second_look(pdf[0], "\ufffd" * 40 + " ab", ExtractionLimits())
    assert ocr and "\ufffd" not in text and "pneumonia" in text.lower()


def test_long_text_layer_is_not_inspected(made, monkeypatch):
    def forbidden(*_args, **_kwargs):
        raise AssertionError("a page with a text layer was inspected")

    for name in ("get_images", "get_image_info", "get_cdrawings", "get_pixmap"):
        monkeypatch.setattr(pymupdf.Page, name, forbidden)
    with pymupdf.open() as pdf:
        for _ in range(3):
            pdf.new_page().insert_textbox(pymupdf.Rect(50, 50, 550, 800),
                                          " ".join(["Aspirin 81 mg daily."] * 40))
        data = pdf.tobytes()
    target = made["mixed.pdf"].parent / "long.pdf"
    target.write_bytes(data)
    assert extract_document(target).page_count == 3


def test_library_exception_becomes_corrupt_file_without_its_text(made, monkeypatch):
    def explode(*_args, **_kwargs):
        raise ZeroDivisionError("Patient John Smith DOB 1950-01-01")

    monkeypatch.setattr(pymupdf.Page, "get_text", explode)
    with pytest.raises(HntaiError) as err:
        extract_document(made["mixed.pdf"])
    assert err.value.code.value == "CORRUPT_FILE"
    assert "Smith" not in str(err.value) and "Smith" not in repr(err.value.details)
    assert err.value.details == {"error": "ZeroDivisionError"}


def test_huge_page_is_too_large_to_ocr(draw, tmp_path):
    target = tmp_path / "poster.pdf"
    draw.image_only_pdf(target, [draw.text_page_pixmap("poster")])
    with pymupdf.open(target) as doc:
        doc[0].set_mediabox(pymupdf.Rect(0, 0, 14400, 14400))  # 200 x 200 inches
        data = doc.tobytes()
    target.write_bytes(data)
    assert _code(target) == "FILE_TOO_LARGE"


# --- callbacks ------------------------------------------------------------------------------


class CallerStop(Exception):
    """Not an engine error: the caller's own, which must come out unchanged."""


@pytest.mark.parametrize("name", ["mixed.pdf", "letter.docx", "fax.tiff", "utf8.txt"])
def test_checkpoint_exception_comes_out_unchanged(made, name):
    def checkpoint() -> None:
        raise CallerStop("stop")

    with pytest.raises(CallerStop):
        extract_document(made[name], checkpoint=checkpoint)


def test_progress_exception_comes_out_unchanged(made):
    def progress(done: int, total: int) -> None:
        raise Cancelled("stop", {"done": done})

    with pytest.raises(Cancelled) as err:
        extract_document(made["mixed.pdf"], on_progress=progress)
    assert err.value.details == {"done": 1}


def test_progress_counts_every_page(made):
    seen: list[tuple[int, int]] = []
    extract_document(made["fax.tiff"], on_progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 2), (2, 2)]


# --- Tesseract ----------------------------------------------------------------------------


def test_tesseract_runs_single_threaded_without_touching_our_environment(draw, made, tmp_path,
                                                                         monkeypatch):
    monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    fake = draw.fake_tesseract(tmp_path / "tesseract", 'echo "threads=$OMP_THREAD_LIMIT args=$*"')
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(fake))
    doc = extract_document(made["photo.png"])
    assert "threads=1" in doc.text
    assert "stdin stdout -l eng --psm 3" in doc.text  # the image goes through a pipe
    assert "OMP_THREAD_LIMIT" not in os.environ


def test_rendered_pages_tell_tesseract_their_resolution(draw, made, tmp_path, monkeypatch):
    fake = draw.fake_tesseract(tmp_path / "tesseract", 'echo "args=$*"')
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(fake))
    doc = extract_document(made["mixed.pdf"], ExtractionLimits(ocr_dpi=150))
    assert "--dpi 150" in doc.text


def test_slow_ocr_times_out(draw, made, tmp_path, monkeypatch):
    fake = draw.fake_tesseract(tmp_path / "tesseract", "exec sleep 30")
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(fake))
    assert _code(made["photo.png"], ExtractionLimits(ocr_timeout_s=0.5)) == "TIMEOUT"


def test_failing_tesseract_is_corrupt_page(draw, made, tmp_path, monkeypatch):
    fake = draw.fake_tesseract(tmp_path / "tesseract", "echo 'Error in pixReadMem' >&2; exit 1")
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(fake))
    assert _code(made["photo.png"]) == "CORRUPT_FILE"


def test_missing_ocr_language_is_ocr_unavailable(made):
    with pytest.raises(HntaiError) as err:
        extract_document(made["photo.png"], ExtractionLimits(ocr_lang="xyz"))
    assert err.value.code.value == "OCR_UNAVAILABLE" and err.value.details == {
        "missing": ["xyz"]}


def test_no_ocr_needed_no_tesseract_needed(made, monkeypatch):
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    assert extract_document(made["letter.docx"]).text
    assert _code(made["mixed.pdf"]) == "OCR_UNAVAILABLE"  # page 4 is a scan


@pytest.mark.parametrize("bad", [{"max_pages": 0}, {"max_text_chars": 0}, {"ocr_dpi": 5000},
                                 {"ocr_lang": "-c x"}, {"max_file_bytes": -1},
                                 {"ocr_timeout_s": 0}])
def test_invalid_limits_are_invalid_config(bad):
    with pytest.raises(HntaiError) as err:
        ExtractionLimits(**bad)
    assert err.value.code.value == "INVALID_CONFIG"


# --- images ---------------------------------------------------------------------------------


def _page(draw, text: str) -> Image.Image:
    return draw.pixmap_image(draw.text_page_pixmap(text))


def test_sideways_phone_photo_is_turned_upright(draw, tmp_path):
    target = tmp_path / "photo.jpg"
    image = _page(draw, "Upright: ibuprofen allergy").rotate(90, expand=True).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6  # "turn 90 degrees clockwise to view"
    image.save(target, quality=92, exif=exif)
    assert "ibuprofen" in extract_document(target).text.lower()


def test_transparent_and_deep_images_read(draw, tmp_path):
    ink = _page(draw, "Transparent: penicillin")
    rgba = Image.new("RGBA", ink.size, (0, 0, 0, 0))
    rgba.putalpha(Image.eval(ink, lambda v: 255 - v))  # black ink where the page is dark
    rgba.save(tmp_path / "clear.png")
    deep = _page(draw, "Deep: lisinopril").convert("I").point(lambda v: v * 200)
    deep.convert("I;16").save(tmp_path / "deep.png")
    assert "penicillin" in extract_document(tmp_path / "clear.png").text.lower()
    assert "lisinopril" in extract_document(tmp_path / "deep.png").text.lower()


@pytest.mark.parametrize(("fmt", "mime"), [("GIF", "image/gif"), ("WEBP", "image/webp")])
def test_more_image_formats_are_sniffed(draw, tmp_path, fmt, mime):
    target = tmp_path / "picture.bin"
    _page(draw, "x").save(target, format=fmt)
    assert detect_kind(target) == "image"
    from engine.documents.sniff import detect

    assert detect(target).mime == mime


# --- text and sniffing ----------------------------------------------------------------------

NOTE = "Café résumé: naïve patient, 37.5 °C.\n"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark(tmp_path, encoding):
    target = tmp_path / "note.txt"
    target.write_bytes(NOTE.encode(encoding))
    assert extract_document(target).text == NOTE


@pytest.mark.parametrize("encoding", ["utf-32", "utf-8-sig"])
def test_other_byte_order_marks(tmp_path, encoding):
    target = tmp_path / "note.txt"
    target.write_bytes(NOTE.encode(encoding))
    assert extract_document(target).text == NOTE


def test_windows_1252_text(tmp_path):
    target = tmp_path / "note.txt"
    target.write_bytes("Temperature 37.5 °C – “stable”, résumé.\r\n".encode("cp1252"))
    assert extract_document(target).text == "Temperature 37.5 °C – “stable”, résumé.\n"


def test_a_stray_nul_does_not_make_text_binary(tmp_path):
    target = tmp_path / "note.txt"
    target.write_bytes(b"Blood pressure 120/80.\x00\n" + b"Pulse 72, regular.\n" * 20)
    assert extract_document(target).text.startswith("Blood pressure 120/80.\nPulse 72")


def test_form_feeds_are_pages(tmp_path):
    target = tmp_path / "report.txt"
    target.write_text("one\ftwo\fthree")
    doc = extract_document(target)
    assert [doc.text[p.start:p.end] for p in doc.pages] == ["one", "two", "three"]
    assert _code(target, ExtractionLimits(max_pages=2)) == "FILE_TOO_LARGE"


def test_rtf_is_refused_clearly(tmp_path):
    target = tmp_path / "letter.txt"
    target.write_bytes(rb"{\rtf1\ansi\deff0 {\fonttbl {\f0 Times;}} Hello \par }")
    assert _code(target) == "UNSUPPORTED_FORMAT"


def test_folders_and_pipes_are_not_documents(tmp_path):
    assert _code(tmp_path) == "UNSUPPORTED_FORMAT"
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert _code(fifo) == "UNSUPPORTED_FORMAT"  # would block forever if opened


def test_missing_file(tmp_path):
    assert _code(tmp_path / "gone.pdf") == "FILE_NOT_FOUND"
    (tmp_path / "note.txt").write_text("text")
    assert _code(tmp_path / "note.txt" / "inside.pdf") == "FILE_NOT_FOUND"
    with pytest.raises(HntaiError) as err:
        detect_kind(tmp_path / "gone.pdf")
    assert err.value.code.value == "FILE_NOT_FOUND"


def test_ocr_writes_no_page_image_to_disk(made, tmp_path):
    # pytesseract would save each page to the temp folder; the pipe leaves nothing there.
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    code = ("import sys; from pathlib import Path; from engine.documents import "
            "extract_document; print(len(extract_document(Path(sys.argv[1])).text))")
    subprocess.run([sys.executable, "-c", code, str(made["photo.png"])], env=env,
                   check=True, cwd=Path(__file__).resolve().parents[3], capture_output=True)
    assert list(tmp_path.iterdir()) == []


def test_sha256_and_size_are_of_the_file_bytes(made):
    doc = extract_document(made["letter.docx"])
    assert doc.sha256 == hashlib.sha256(made["letter.docx"].read_bytes()).hexdigest()
    assert doc.size_bytes == made["letter.docx"].stat().st_size
