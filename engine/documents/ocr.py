"""Tesseract OCR, one page image at a time.

Layout analysis is Tesseract's automatic one (``--psm 3``). Measured at 200 dpi on the
evaluation scans: on the single-column scanned notes psm 3, 4 and 6 read the same words
(recall 0.99-1.0 against the notes' text); on multi-column pages (the two-column LaTeX
paper, the Vicksburg pages, side-by-side figures) psm 6 reads straight across the columns
and interleaves them (word error rate against the text layer 0.29 mean, up to 0.88, against
0.05 for psm 3), psm 4 likewise on two-column text. psm 1 equals psm 3 and is 20% slower.

Tesseract runs as a child process fed through a pipe, so no page image is written to disk,
and with ``OMP_THREAD_LIMIT=1`` in the child's environment only: one OpenMP thread is about
4x faster on this hardware (0.77 against 0.18 pages/s), and the same variable in the engine's
own environment corrupts CTranslate2 (Whisper) output. The command is pytesseract's
``tesseract_cmd``, so the one setting points both at the same binary.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from PIL import Image

from engine.errors import CorruptFile, JobTimeout, OcrUnavailable
from engine.secrets_env import child_env

# pytesseract imports pandas (and pandas pyarrow) whenever they are installed, as the
# [cluster] extra installs them, for an output type never asked for here: ~0.9 s of engine
# start. Hidden for this one import (a None entry makes `import pandas` fail) when absent.
_HIDE_PANDAS = "pandas" not in sys.modules
if _HIDE_PANDAS:
    sys.modules["pandas"] = None  # type: ignore[assignment]
try:
    import pytesseract
finally:
    if _HIDE_PANDAS:
        del sys.modules["pandas"]

PSM = "3"
_LOCK = threading.Lock()
_LANGUAGES: dict[str, frozenset[str]] = {}  # executable -> installed languages (successes only)


def _env() -> dict[str, str]:
    return child_env(OMP_THREAD_LIMIT="1")


def _executable() -> str:
    cmd = str(pytesseract.pytesseract.tesseract_cmd)
    exe = shutil.which(cmd)
    if exe is None:
        raise OcrUnavailable("OCR is not installed on this workstation (Tesseract missing)")
    return exe


def _languages(exe: str) -> frozenset[str]:
    with _LOCK:
        known = _LANGUAGES.get(exe)
    if known is not None:
        return known
    try:
        run = subprocess.run([exe, "--list-langs"], capture_output=True, timeout=30,
                             env=_env(), check=False)
    except (OSError, subprocess.SubprocessError):
        raise OcrUnavailable("OCR is installed but does not start (Tesseract)") from None
    if run.returncode != 0:
        raise OcrUnavailable("OCR is installed but does not start (Tesseract)")
    lines = run.stdout.decode("utf-8", "replace").splitlines()[1:]  # first: "List of …"
    known = frozenset(line.strip() for line in lines if line.strip())
    with _LOCK:
        _LANGUAGES[exe] = known
    return known


def check_ocr(lang: str) -> str:
    """The Tesseract executable, once it is known to run with every language in ``lang``."""
    exe = _executable()
    missing = sorted(set(lang.split("+")) - _languages(exe))
    if missing:
        raise OcrUnavailable("the OCR language is not installed on this workstation",
                             {"missing": missing})
    return exe


def prepare(image: Image.Image) -> Image.Image:
    """Any PIL image as 8-bit grey or RGB on white, the way Tesseract reads best."""
    if image.mode in ("L", "RGB"):
        return image
    if image.mode == "1":  # fax bilevel
        return image.convert("L")
    if image.mode == "P" or "A" in image.getbands() or "a" in image.mode:
        rgba = image.convert("RGBA")  # transparent areas are paper, not black
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    if image.mode in ("I", "F") or image.mode.startswith("I;"):
        return _deep_grey(image)
    return image.convert("RGB")  # CMYK, YCbCr, LAB, HSV


def _deep_grey(image: Image.Image) -> Image.Image:
    """16-bit and float grey (medical scanners write them) stretched to 8 bits."""
    grey = image.convert("F")
    low, high = grey.getextrema()
    if high <= low:
        return Image.new("L", image.size, 255)
    scale = 255.0 / (high - low)
    return grey.point(lambda v: v * scale - low * scale).convert("L")


POLL_S = 0.5  # how often the job's checkpoint runs while Tesseract reads a page


def ocr_image(image: Image.Image, lang: str, timeout_s: float, dpi: int | None = None,
              checkpoint: Callable[[], None] | None = None) -> str:
    """The text Tesseract reads in one page image. ``dpi`` is the image's resolution when
    known (rendered pages, image files that state it); otherwise Tesseract estimates it.
    ``checkpoint`` runs every ``POLL_S`` while Tesseract works: if it raises (a cancel, the
    job's time limit), Tesseract is stopped and the exception comes out."""
    exe = check_ocr(lang)
    image = prepare(image)
    buf = io.BytesIO()
    image.save(buf, format="PPM")  # PGM/PPM: no compression to spend time on
    cmd = [exe, "stdin", "stdout", "-l", lang, "--psm", PSM]
    if dpi and 70 <= dpi <= 2400:
        cmd += ["--dpi", str(int(dpi))]
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=_env())
    except OSError:
        raise OcrUnavailable("OCR is installed but does not start (Tesseract)") from None
    with proc:
        out = _communicate(proc, buf.getbuffer(), timeout_s, checkpoint)  # no copy
    if proc.returncode != 0:
        raise CorruptFile("the page image could not be read by OCR",
                          {"tesseract_exit": proc.returncode})
    return out.decode("utf-8", "replace").rstrip("\f")


def _communicate(proc: subprocess.Popen, data: memoryview, timeout_s: float,
                 checkpoint: Callable[[], None] | None) -> bytes:
    """Feed the page and collect the text on a helper thread, polling ``checkpoint`` here.
    (``Popen.communicate`` cannot be retried after a timeout while input is still being
    sent: the rest of the input would never be written.)"""
    done: dict[str, Any] = {}

    def talk() -> None:
        try:
            done["out"] = proc.communicate(data)[0]
        except BaseException as exc:  # handed to the job's thread below
            done["error"] = exc

    talker = threading.Thread(target=talk, name="tesseract-pipe", daemon=True)
    talker.start()
    deadline = time.monotonic() + timeout_s
    try:
        while talker.is_alive():
            talker.join(POLL_S)
            if not talker.is_alive():
                break
            if time.monotonic() > deadline:
                raise JobTimeout("OCR of a page took too long", {"timeout_s": timeout_s})
            if checkpoint is not None:
                checkpoint()
    except BaseException:
        proc.kill()  # ends communicate() on the helper thread
        talker.join()
        raise
    if "error" in done:
        raise done["error"]
    return done["out"]
