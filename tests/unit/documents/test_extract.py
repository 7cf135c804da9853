"""Text extraction on real files: generated ones and the public evaluation documents."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pymupdf
import pytesseract
import pytest
from PIL import Image

from engine.documents import ExtractionLimits, detect_kind, extract_document
from engine.documents.types import PAGE_SEPARATOR
from engine.errors import Cancelled, HntaiError

MANIFEST = json.loads(
    (Path(__file__).resolve().parents[4] / "shared/eval/documents/MANIFEST.json").read_text()
)


# "Good" files that hold no words at all: a drawing of a boy, a 16-pixel fax image and a
# document of empty tables. They must still succeed (kept as textless documents).
TEXTLESS = {"019-grayscale-image_grayscale-image.pdf", "imagemagick-CCITTFaxDecode.pdf",
            "tbl-having-tables.docx"}


def test_the_textless_list_names_good_files():
    assert set(MANIFEST["good"]) >= TEXTLESS


@pytest.mark.parametrize("name", MANIFEST["good"])
def test_manifest_good_documents_extract(eval_results, name):
    doc = eval_results[name]
    assert not isinstance(doc, HntaiError), doc
    assert doc.page_count >= 1
    assert len(doc.sha256) == 64
    assert doc.text[doc.pages[0].start:doc.pages[-1].end] == doc.text
    for before, page in zip(doc.pages, doc.pages[1:], strict=False):
        assert before.end <= page.start
        assert doc.text[before.end:page.start] == PAGE_SEPARATOR
    assert [p.number for p in doc.pages] == list(range(1, doc.page_count + 1))
    if name not in TEXTLESS:
        assert doc.text.strip()


@pytest.mark.parametrize(("name", "codes"), sorted(MANIFEST["bad"].items()))
def test_manifest_bad_documents_fail_with_their_code(eval_results, name, codes):
    err = eval_results[name]
    assert isinstance(err, HntaiError), f"{name} was read"
    assert err.code.value in codes
    assert len(err.message) < 120  # a sentence, not a dump of the file


def test_type_is_sniffed_not_taken_from_the_name(eval_results):
    doc = eval_results["plain_text_named_as.pdf"]
    assert doc.kind == "text" and doc.text.startswith("This is plain text")


def test_owner_password_only_pdf_reads(eval_results):
    assert eval_results["encryption_r4-owner-password.pdf"].text.strip()


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]{3,}", text.lower()))


@pytest.mark.parametrize("note", ["note_1315", "note_3914", "note_4141"])
@pytest.mark.parametrize("suffix", ["_text.pdf", ".docx", "_scanned.pdf"])
def test_every_format_of_a_note_reads_the_same_words(eval_dir, eval_results, note, suffix):
    truth = _words((eval_dir / "documents" / f"{note}.txt").read_text())
    doc = eval_results[f"{note}{suffix}"]
    assert len(truth & _words(doc.text)) / len(truth) >= 0.9
    assert doc.ocr_page_count == (doc.page_count if suffix == "_scanned.pdf" else 0)


def test_pdf_pages_offsets_and_ocr_flags(made):
    doc = extract_document(made["mixed.pdf"])
    assert doc.kind == "pdf" and doc.page_count == 5
    assert [p.ocr for p in doc.pages] == [False, False, False, True, False]
    assert doc.ocr_page_count == 1
    texts = [doc.text[p.start:p.end] for p in doc.pages]
    assert texts[0].startswith("Page 1.") and "aspirin" in texts[0]
    assert "hypertension" in texts[3].lower()
    assert texts[4] == ""
    assert doc.text == PAGE_SEPARATOR.join(texts)


def test_docx_reading_order(made):
    text = extract_document(made["letter.docx"]).text
    order = ["Clinic header", "First paragraph.", "cell 00 | cell 01", "cell 10 | cell 11",
             "After the table.", "Clinic footer"]
    positions = [text.index(item) for item in order]
    assert positions == sorted(positions)


def test_multiframe_tiff_is_one_page_per_frame(made):
    doc = extract_document(made["fax.tiff"])
    assert doc.kind == "image" and doc.mime == "image/tiff" and doc.page_count == 2
    assert "insulin" in doc.text.lower().split(PAGE_SEPARATOR)[0]
    assert "warfarin" in doc.text.lower()


@pytest.mark.parametrize(("name", "mime"), [("photo.png", "image/png"),
                                             ("photo.jpg", "image/jpeg")])
def test_single_images(made, name, mime):
    doc = extract_document(made[name])
    assert doc.mime == mime and doc.ocr_page_count == 1 and doc.text.strip()


@pytest.mark.parametrize("name", ["utf8.txt", "utf16.txt", "latin1.txt"])
def test_text_encodings(made, name):
    assert extract_document(made[name]).text.strip() == "Café résumé: naïve patient, 37.5 °C."


@pytest.mark.parametrize(("source", "disguise"), [("mixed.pdf", "notes.txt"),
                                                   ("letter.docx", "scan.png"),
                                                   ("photo.png", "report.pdf"),
                                                   ("utf8.txt", "image.jpg")])
def test_type_comes_from_content_not_extension(made, tmp_path, source, disguise):
    target = tmp_path / disguise
    shutil.copy(made[source], target)
    assert detect_kind(target) == detect_kind(made[source])


def _flip(data: bytes, every: int) -> bytes:
    raw = bytearray(data)
    for i in range(len(raw) // 3, len(raw), every):
        raw[i] ^= 0xFF
    return bytes(raw)


@pytest.mark.parametrize("name", ["mixed.pdf", "letter.docx", "photo.png", "fax.tiff"])
@pytest.mark.parametrize("damage", ["truncate", "bitflip"])
def test_damaged_files_fail_with_a_code(made, tmp_path, name, damage):
    data = made[name].read_bytes()
    broken = data[: len(data) // 2] if damage == "truncate" else _flip(data, 7)
    target = tmp_path / name
    target.write_bytes(broken)
    try:
        extract_document(target)
    except HntaiError as exc:
        assert exc.code.value in ("CORRUPT_FILE", "EMPTY_DOCUMENT", "UNSUPPORTED_FORMAT")


@pytest.mark.parametrize(
    ("name", "limits"),
    [("mixed.pdf", ExtractionLimits(max_pages=2)),
     ("mixed.pdf", ExtractionLimits(max_file_bytes=100)),
     ("fax.tiff", ExtractionLimits(max_image_pixels=1000)),
     ("mixed.pdf", ExtractionLimits(max_image_pixels=1000)),
     ("mixed.pdf", ExtractionLimits(max_text_chars=10))],
)
def test_limits_give_file_too_large(made, name, limits):
    with pytest.raises(HntaiError) as err:
        extract_document(made[name], limits)
    assert err.value.code.value == "FILE_TOO_LARGE"


def test_zip_bomb_docx_is_refused(made, tmp_path):
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(made["letter.docx"]) as src, \
            zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("word/media/padding.bin", b"\0" * (64 * 1024 * 1024))
    assert bomb.stat().st_size < 1024 * 1024
    with pytest.raises(HntaiError) as err:
        extract_document(bomb, ExtractionLimits(max_docx_uncompressed_bytes=16 * 1024 * 1024))
    assert err.value.code.value == "FILE_TOO_LARGE"


def test_decompression_bomb_png(tmp_path):
    target = tmp_path / "huge.png"
    buf = io.BytesIO()
    Image.new("1", (30000, 30000)).save(buf, format="PNG")
    target.write_bytes(buf.getvalue())
    with pytest.raises(HntaiError) as err:
        extract_document(target, ExtractionLimits(max_image_pixels=50_000_000))
    assert err.value.code.value == "FILE_TOO_LARGE"


def test_checkpoint_stops_between_pages(made):
    seen: list[tuple[int, int]] = []

    def checkpoint() -> None:
        if len(seen) >= 2:
            raise Cancelled("stop")

    with pytest.raises(Cancelled):
        extract_document(made["mixed.pdf"], checkpoint=checkpoint,
                         on_progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 5), (2, 5)]


def test_missing_tesseract_is_ocr_unavailable(made, monkeypatch):
    # Pointing pytesseract at a missing binary is how a workstation without OCR looks.
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    with pytest.raises(HntaiError) as err:
        extract_document(made["photo.png"])
    assert err.value.code.value == "OCR_UNAVAILABLE"
    assert extract_document(made["utf8.txt"]).text  # text needs no OCR


@pytest.mark.parametrize(("raw", "code"), [(b"", "EMPTY_DOCUMENT"),
                                           (b"  \n\t \n", "EMPTY_DOCUMENT"),
                                           (bytes(range(256)) * 8, "UNSUPPORTED_FORMAT"),
                                           (b"PK\x03\x04garbage", "CORRUPT_FILE")])
def test_degenerate_inputs(tmp_path, raw, code):
    target = tmp_path / "input.bin"
    target.write_bytes(raw)
    with pytest.raises(HntaiError) as err:
        extract_document(target)
    assert err.value.code.value == code


def test_audio_is_recognised_but_not_yet_a_document(eval_dir):
    clip = eval_dir / "audio" / "faster_whisper" / "jfk.flac"
    assert detect_kind(clip) == "audio"
    with pytest.raises(HntaiError) as err:
        extract_document(clip)
    assert err.value.code.value == "UNSUPPORTED_FORMAT"


def test_blank_pdf_is_empty(tmp_path):
    target = tmp_path / "blank.pdf"
    with pymupdf.open() as doc:
        doc.new_page()
        doc.save(target)
    with pytest.raises(HntaiError) as err:
        extract_document(target)
    assert err.value.code.value == "EMPTY_DOCUMENT"
