"""Tesseract OCR through pytesseract, one page image at a time."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import threading

import pytesseract
from PIL import Image

from engine.errors import CorruptFile, JobTimeout, OcrUnavailable

_ENV_LOCK = threading.Lock()


@contextlib.contextmanager
def _single_threaded_tesseract():
    """Tesseract's OpenMP threads fight each other on small machines: one thread is ~4x
    faster here. The limit is set only while tesseract starts, because the same variable in
    the engine's own environment corrupts CTranslate2 (Whisper) output when it runs with
    more than one thread."""
    with _ENV_LOCK:
        old = os.environ.get("OMP_THREAD_LIMIT")
        os.environ["OMP_THREAD_LIMIT"] = "1"
        try:
            yield
        finally:
            if old is None:
                os.environ.pop("OMP_THREAD_LIMIT", None)
            else:
                os.environ["OMP_THREAD_LIMIT"] = old


@functools.cache
def _tesseract_ok(cmd: str) -> bool:
    return shutil.which(cmd) is not None


def ocr_image(image: Image.Image, lang: str, timeout_s: float) -> str:
    cmd = pytesseract.pytesseract.tesseract_cmd
    if not _tesseract_ok(cmd):
        raise OcrUnavailable("OCR is not installed on this workstation (Tesseract missing)")
    if image.mode not in ("L", "RGB"):
        image = image.convert("L")
    try:
        with _single_threaded_tesseract():
            return pytesseract.image_to_string(image, lang=lang, config="--psm 3",
                                               timeout=timeout_s)
    except RuntimeError as exc:  # pytesseract reports its timeout this way
        if "timeout" in str(exc).lower():
            raise JobTimeout("OCR of a page took too long") from None
        raise CorruptFile("the page image could not be read by OCR") from None
    except pytesseract.TesseractNotFoundError:
        raise OcrUnavailable("OCR is not installed on this workstation") from None
    except pytesseract.TesseractError:
        raise CorruptFile("the page image could not be read by OCR") from None
