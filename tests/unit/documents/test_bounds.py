"""Honest codes for empty and broken inputs, and the per-job memory budget: each reader
refuses or reduces what would not fit before it allocates it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pymupdf
import pytesseract
import pytest
from PIL import Image, ImageDraw

from engine.documents import ExtractionLimits, detect_kind, extract_document
from engine.documents.image import _page_image
from engine.documents.ocr import ocr_image
from engine.documents.types import has_visible
from engine.errors import Cancelled, HntaiError


def _code(path: Path, limits: ExtractionLimits | None = None, **kwargs) -> str:
    with pytest.raises(HntaiError) as err:
        extract_document(path, limits, **kwargs)
    return err.value.code.value


# --- empty and broken --------------------------------------------------------------------


@pytest.mark.parametrize(("size", "mode", "colour"), [
    ((1, 1), "RGBA", (0, 0, 0, 0)),  # a tracking pixel
    ((4, 300), "L", 0),  # a rule: too narrow for a letter
    ((900, 600), "RGB", (255, 255, 255)),  # an empty canvas
])
def test_images_without_content_are_empty(tmp_path, size, mode, colour):
    target = tmp_path / "blank.png"
    Image.new(mode, size, colour).save(target)
    assert _code(target) == "EMPTY_DOCUMENT"


@pytest.mark.parametrize("text", ["\u200b\u200c\u200d" * 50, "\ufeff\u2060 \u200e\n\t\u00ad",
                                  "\u3164\u2800 \U000e0041"])
def test_invisible_only_text_is_empty(tmp_path, text):
    target = tmp_path / "invisible.txt"
    target.write_text(text, "utf-8")
    assert _code(target) == "EMPTY_DOCUMENT"


def test_visible_means_any_character_that_shows():
    assert has_visible("\u200b x")
    assert has_visible("é") and has_visible("\u0645")
    assert not has_visible("\u200b\u200f\u202e \n")


def _nested_array_pdf(path: Path, depth: int) -> Path:
    nested = b"[" * depth + b"]" * depth
    path.write_bytes(
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Extra "
        + nested + b" >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    return path


def _self_referencing_updates_pdf(path: Path, updates: int) -> Path:
    """A blank page followed by ``updates`` incremental updates, the last of which names
    itself as the one before it."""
    with pymupdf.open() as doc:
        doc.new_page()
        doc.write()  # an xref table to append to
        data = bytearray(doc.tobytes(garbage=0, deflate=False, expand=0))
    previous = int(bytes(data).rsplit(b"startxref", 1)[1].split()[0])
    for i in range(updates + 1):
        last = i == updates
        offset = len(data)
        data += b"90 0 obj << /Filler %d >> endobj\n" % i
        xref = len(data)
        data += (b"xref\n90 1\n%010d 00000 n \ntrailer << /Size 91 /Root 1 0 R /Prev %d >>\n"
                 b"startxref\n%d\n%%%%EOF\n" % (offset, xref if last else previous, xref))
        previous = xref
    path.write_bytes(bytes(data))
    return path


def test_structurally_broken_pdfs_are_corrupt_not_blank(tmp_path):
    assert _code(_nested_array_pdf(tmp_path / "nested.pdf", 11_000)) == "CORRUPT_FILE"
    assert _code(_self_referencing_updates_pdf(tmp_path / "updates.pdf", 2_000)) \
        == "CORRUPT_FILE"


def test_a_clean_blank_pdf_stays_empty(tmp_path):
    target = tmp_path / "blank.pdf"
    with pymupdf.open() as doc:
        doc.new_page()
        doc.save(target)
    assert _code(target) == "EMPTY_DOCUMENT"


def test_a_word_file_holding_a_pdf_marker_is_sniffed_as_word(made, tmp_path):
    target = tmp_path / "letter.docx"
    with zipfile.ZipFile(made["letter.docx"]) as src, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as dst:
        dst.writestr("aaa_first.txt", b"%PDF-1.7 quoted in a note")  # stored: bytes as-is
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
    assert b"%PDF-" in target.read_bytes()[:1024]
    assert detect_kind(target) == "docx"
    assert "First paragraph." in extract_document(target).text


def test_a_late_pdf_header_is_still_a_pdf(made, tmp_path):
    target = tmp_path / "late.pdf"
    target.write_bytes(b"\r\n junk before the header \r\n" + made["mixed.pdf"].read_bytes())
    assert detect_kind(target) == "pdf"


# --- bounded reading ---------------------------------------------------------------------


def test_text_over_the_limit_stops_after_a_chunk(tmp_path):
    target = tmp_path / "long.txt"
    target.write_bytes(b"fever " * 2_000_000)  # 12 MB on one line
    checks: list[int] = []
    limits = ExtractionLimits(max_text_chars=3_000_000)
    assert _code(target, limits, checkpoint=lambda: checks.append(1)) == "FILE_TOO_LARGE"
    assert 3 <= len(checks) <= 5  # the limit was met on the way, not at the end


def test_text_checkpoint_runs_per_chunk(tmp_path):
    target = tmp_path / "long.txt"
    target.write_bytes(b"fever " * 1_000_000)

    calls: list[int] = []

    def stop_on_third() -> None:
        calls.append(1)
        if len(calls) == 3:
            raise Cancelled("stop")

    with pytest.raises(Cancelled):
        extract_document(target, checkpoint=stop_on_third)
    assert len(calls) == 3


@pytest.mark.parametrize(("encoding", "text"), [
    ("utf-8", "Größe – “quoted” 患者\n"), ("cp1252", "café résumé naïve £5\n"),
    ("utf-16", "Übelkeit\n"), ("utf-8-sig", "Aspirin\n"),
])
def test_text_across_chunk_edges_decodes_whole(tmp_path, encoding, text):
    target = tmp_path / "edges.txt"
    body = text * (3 * (1 << 20) // len(text.encode(encoding)))  # > 2 chunks, cuts anywhere
    target.write_bytes(body.encode(encoding))
    assert extract_document(target).text == body


def test_a_late_invalid_byte_falls_back_to_a_code_page(tmp_path):
    target = tmp_path / "late.txt"
    target.write_bytes(b"Aspirin 81 mg daily.\n" * 100_000 + "Übelkeit\n".encode("cp1252"))
    assert extract_document(target).text.endswith("daily.\nÜbelkeit\n")


def _text_pdf(path: Path, chars_per_page: int, pages: int = 1) -> Path:
    line = b"Aspirin 81 mg daily " * 500  # 10,000 characters
    with pymupdf.open() as doc:
        for _ in range(pages):
            page = doc.new_page(width=14400, height=14400)
            page.insert_text((10, 10), "x")
            body = b"BT /helv 1 Tf 1 TL 0 14000 Td " + b"".join(
                b"(" + line + b") ' " for _ in range(chars_per_page // len(line))) + b"ET"
            doc.update_stream(page.get_contents()[0], body)
        doc.save(path)
    return path


def test_a_page_drawing_more_than_the_budget_is_refused_before_extraction(tmp_path):
    target = _text_pdf(tmp_path / "wide.pdf", 400_000)
    small = ExtractionLimits(memory_bytes=32 * 1024 * 1024)  # 262,144 characters a page
    assert small.page_chars < 400_000
    assert _code(target, small) == "FILE_TOO_LARGE"
    assert len(extract_document(target).text) >= 400_000  # the default budget reads it


def test_pdf_text_limit_is_checked_page_by_page(tmp_path):
    target = _text_pdf(tmp_path / "pages.pdf", 100_000, pages=5)
    seen: list[int] = []
    limits = ExtractionLimits(max_text_chars=250_000)
    assert _code(target, limits, on_progress=lambda d, t: seen.append(d)) == "FILE_TOO_LARGE"
    assert seen == [1, 2]  # stopped at the third page, not after the fifth


def test_big_images_are_reduced_for_ocr_within_the_budget(tmp_path):
    for fmt in ("PNG", "JPEG"):
        target = tmp_path / f"big.{fmt.lower()}"
        Image.new("RGB", (4000, 3000), (250, 250, 250)).save(target, format=fmt)
        with Image.open(target) as frame:
            page = _page_image(frame, 1, budget=1_000_000)
        assert page.width * page.height <= 1_000_000, fmt
        assert page.width >= 4000 // 4, fmt  # a whole factor, no smaller than needed


def test_an_image_over_the_decode_budget_is_refused(tmp_path):
    target = tmp_path / "wide.png"
    buf = io.BytesIO()
    Image.new("1", (6000, 6000)).save(buf, format="PNG")
    target.write_bytes(buf.getvalue())
    limits = ExtractionLimits(memory_bytes=64 * 1024 * 1024)  # 13 Mpx decode budget
    assert _code(target, limits) == "FILE_TOO_LARGE"


def _docx_with_body(source: Path, target: Path, body: bytes) -> Path:
    with zipfile.ZipFile(source) as src, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename != "word/document.xml":
                dst.writestr(item, src.read(item.filename))
        dst.writestr("word/document.xml", body)
    return target


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def test_word_elements_are_counted_before_a_tree_is_built(made, tmp_path):
    body = (f'<w:document xmlns:w="{W_NS}"><w:body>'.encode() + b"<w:p/>" * 300_000
            + b"<w:p><w:r><w:t>Aspirin 81 mg daily.</w:t></w:r></w:p></w:body></w:document>")
    target = _docx_with_body(made["letter.docx"], tmp_path / "paragraphs.docx", body)
    small = ExtractionLimits(memory_bytes=32 * 1024 * 1024)  # 131,072 elements
    assert _code(target, small) == "FILE_TOO_LARGE"
    assert "Aspirin 81 mg daily." in extract_document(target).text


def test_word_text_and_part_size_are_limited_while_streaming(made, tmp_path):
    run = b"<w:p><w:r><w:t>" + b"fever " * 20_000 + b"</w:t></w:r></w:p>"
    body = f'<w:document xmlns:w="{W_NS}"><w:body>'.encode() + run * 30 \
        + b"</w:body></w:document>"  # 3.6 M characters, 3.6 MB
    target = _docx_with_body(made["letter.docx"], tmp_path / "text.docx", body)
    assert _code(target, ExtractionLimits(max_text_chars=1_000_000)) == "FILE_TOO_LARGE"
    assert _code(target, ExtractionLimits(memory_bytes=8 * 1024 * 1024)) == "FILE_TOO_LARGE"
    assert len(extract_document(target).text) > 3_000_000


@pytest.fixture(scope="module")
def whisper(manager):
    with manager.lease("transcription") as model:
        yield model.whisper


def test_audio_is_recognised_window_by_window(whisper, eval_dir):
    from engine.documents.audio import transcribe

    clip = eval_dir / "audio" / "faster_whisper" / "jfk.flac"
    whole = transcribe(whisper, clip)
    windowed = transcribe(whisper, clip, window_s=7.0)  # 11 s: two windows
    assert windowed.duration_s == pytest.approx(whole.duration_s, abs=0.05)
    starts = [s.start for s in windowed.segments]
    assert starts == sorted(starts) and windowed.segments[-1].end <= whole.duration_s
    assert any(s.start >= 4.0 for s in windowed.segments)  # the second window, offset
    words = set(whole.text.lower().split())
    assert len(words & set(windowed.text.lower().split())) >= 0.7 * len(words)


def test_word_file_of_invisible_characters_is_empty(made, tmp_path):
    body = (f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>'.encode()
            + "\u200b\u200d\ufeff ".encode() * 50 + b"</w:t></w:r></w:p></w:body></w:document>")
    target = _docx_with_body(made["letter.docx"], tmp_path / "invisible.docx", body)
    assert _code(target) == "EMPTY_DOCUMENT"


def test_a_long_word_document_can_be_stopped_while_it_is_walked(made, tmp_path):
    body = (f'<w:document xmlns:w="{W_NS}"><w:body>'.encode()
            + b"<w:p><w:r><w:t>Aspirin 81 mg daily.</w:t></w:r></w:p>" * 5_000
            + b"</w:body></w:document>")
    target = _docx_with_body(made["letter.docx"], tmp_path / "long.docx", body)
    calls: list[int] = []

    def stop_late() -> None:
        calls.append(1)
        if len(calls) > 3:  # past the archive checks: inside the walk
            raise Cancelled("stop")

    with pytest.raises(Cancelled):
        extract_document(target, checkpoint=stop_late)


def test_ocr_stops_when_the_checkpoint_raises(draw, tmp_path, monkeypatch):
    slow = draw.fake_tesseract(tmp_path / "tesseract", "exec sleep 60")
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(slow))
    calls: list[int] = []

    def stop_second() -> None:
        calls.append(1)
        if len(calls) >= 2:
            raise Cancelled("stop")

    image = Image.new("L", (200, 100), 255)
    ImageDraw.Draw(image).text((10, 40), "Aspirin", fill=0)
    with pytest.raises(Cancelled):
        ocr_image(image, "eng", 120.0, checkpoint=stop_second)
    assert len(calls) == 2  # stopped on the second poll, not after the 60 s sleep
