"""PNG, JPEG, TIFF (every frame a page), GIF and WebP images through OCR."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

from PIL import Image, ImageOps

from engine.documents.ocr import check_ocr, ocr_image
from engine.documents.types import Checkpoint, ExtractionLimits, Progress
from engine.errors import CorruptFile, FileTooLarge


def read_image(path: Path, limits: ExtractionLimits, checkpoint: Checkpoint,
               progress: Progress) -> list[tuple[str, bool]]:
    check_ocr(limits.ocr_lang)  # an image is nothing but OCR: fail before decoding it
    with warnings.catch_warnings():
        # Damaged tags warn; decoding decides below. PIL's own bomb warning (at ~89 Mpx) is
        # not our limit: sizes are checked against ``max_image_pixels`` before decoding.
        warnings.simplefilter("ignore")
        try:
            image = Image.open(path)
            frames = getattr(image, "n_frames", 1)
        except Image.DecompressionBombError:  # over twice PIL's limit: refused at open
            raise FileTooLarge("the image has too many pixels") from None
        except Exception:  # PIL raises OSError, KeyError, SyntaxError … on damage
            raise CorruptFile("the image is damaged and cannot be opened") from None
        with image:
            if frames > limits.max_pages:
                raise FileTooLarge("the image has more pages than allowed",
                                   {"frames": frames, "max_pages": limits.max_pages})
            pages: list[tuple[str, bool]] = []
            for number, frame in _frames(image):
                checkpoint()
                pixels = frame.width * frame.height
                if pixels > limits.max_image_pixels:
                    raise FileTooLarge("the image has too many pixels",
                                       {"pixels": pixels, "max_pixels": limits.max_image_pixels})
                decoded = _decoded(frame, number)
                pages.append((ocr_image(decoded, limits.ocr_lang, limits.ocr_timeout_s,
                                        dpi=_dpi(frame)), True))
                progress(number, frames)
            return pages


def _frames(image: Image.Image) -> Iterator[tuple[int, Image.Image]]:
    """Seek frame by frame (a multi-page TIFF is one object that moves between frames)."""
    index = 0
    while True:
        try:
            image.seek(index)
        except EOFError:
            return
        except Exception:
            raise CorruptFile("the image is damaged", {"page": index + 1}) from None
        yield index + 1, image
        index += 1


def _decoded(frame: Image.Image, number: int) -> Image.Image:
    try:
        frame.load()
        # Phone photos are stored sideways with an EXIF note on how to turn them.
        return ImageOps.exif_transpose(frame) if _oriented(frame) else frame.copy()
    except Image.DecompressionBombError:
        raise FileTooLarge("the image has too many pixels", {"page": number}) from None
    except Exception:  # PIL's decoders raise OSError, KeyError, TypeError, struct.error …
        raise CorruptFile("the image is damaged", {"page": number}) from None


def _oriented(frame: Image.Image) -> bool:
    try:
        return frame.getexif().get(0x0112, 1) not in (0, 1)  # 0x0112: Orientation
    except Exception:  # unreadable EXIF: leave the picture as it is
        return False


def _dpi(frame: Image.Image) -> int | None:
    """The resolution the file states, when it looks real (many writers store 72 or 96 as a
    placeholder for 'unknown'; Tesseract's own estimate is better than those)."""
    dpi = frame.info.get("dpi")
    try:
        value = round(float(dpi[0])) if dpi else 0
    except (TypeError, ValueError, IndexError):
        return None
    return value if 100 <= value <= 1200 else None
