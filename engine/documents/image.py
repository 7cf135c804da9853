"""PNG, JPEG, TIFF (every frame a page), GIF and WebP images through OCR."""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from pathlib import Path

from PIL import Image, ImageOps

from engine.documents.ocr import check_ocr, ocr_image, prepare
from engine.documents.types import Checkpoint, ExtractionLimits, Progress
from engine.errors import CorruptFile, EmptyDocument, FileTooLarge

MIN_SIDE = 8  # pixels: a frame narrower or lower than this cannot hold a readable letter


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
                if pixels > limits.decode_pixels and frame.format != "JPEG":
                    raise FileTooLarge("the image needs more memory than a job may use",
                                       {"pixels": pixels, "max_pixels": limits.decode_pixels})
                page = _page_image(frame, number, limits.ocr_pixels)
                if _blank(page):  # nothing drawn: no OCR, and no page to keep
                    pages.append(("", False))
                else:
                    pages.append((ocr_image(page, limits.ocr_lang, limits.ocr_timeout_s,
                                            dpi=_dpi(frame, page), checkpoint=checkpoint),
                                  True))
                del page
                progress(number, frames)
            if not any(ocr for _, ocr in pages):
                raise EmptyDocument("the image is blank")
            return pages


def _reduction(size: tuple[int, int], budget: int) -> int:
    """The smallest whole factor that brings ``size`` within ``budget`` pixels."""
    width, height = size
    return max(1, math.ceil(math.sqrt(width * height / budget)))


def _page_image(frame: Image.Image, number: int, budget: int) -> Image.Image:
    """The frame decoded for OCR: upright, grey or RGB, and within ``budget`` pixels. A
    JPEG over the budget is decoded at a reduced scale (its DCT allows 1/2 to 1/8) instead
    of whole; other formats decode whole (within ``decode_pixels``) and are reduced in grey."""
    try:
        factor = _reduction(frame.size, budget)
        if factor > 1 and frame.format == "JPEG":
            frame.draft("L" if frame.mode == "L" else "RGB",
                        (frame.width // factor, frame.height // factor))
        frame.load()
        # Phone photos are stored sideways with an EXIF note on how to turn them.
        page = prepare(ImageOps.exif_transpose(frame) if _oriented(frame) else frame)
        factor = _reduction(page.size, budget)
        if factor > 1:
            page = page.convert("L") if page.mode != "L" else page
            page = page.reduce(factor)
        return page
    except Image.DecompressionBombError:
        raise FileTooLarge("the image has too many pixels", {"page": number}) from None
    except Exception:  # PIL's decoders raise OSError, KeyError, TypeError, struct.error …
        raise CorruptFile("the image is damaged", {"page": number}) from None


def _blank(page: Image.Image) -> bool:
    """Too small to hold a letter, or one colour all over (a 1×1 tracking pixel, an empty
    canvas). A scan of a blank sheet has noise: it goes to OCR and is kept if textless."""
    if page.width < MIN_SIDE or page.height < MIN_SIDE:
        return True
    extrema = page.getextrema()
    bands = extrema if isinstance(extrema[0], tuple) else (extrema,)
    return all(low == high for low, high in bands)


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


def _oriented(frame: Image.Image) -> bool:
    try:
        return frame.getexif().get(0x0112, 1) not in (0, 1)  # 0x0112: Orientation
    except Exception:  # unreadable EXIF: leave the picture as it is
        return False


def _dpi(frame: Image.Image, page: Image.Image) -> int | None:
    """The resolution the file states, when it looks real (many writers store 72 or 96 as a
    placeholder for 'unknown'; Tesseract's own estimate is better than those), scaled by
    the reduction the page image went through."""
    dpi = frame.info.get("dpi")
    try:
        value = round(float(dpi[0]) * page.width / frame.width) if dpi else 0
    except (TypeError, ValueError, IndexError, ZeroDivisionError):
        return None
    return value if 100 <= value <= 1200 else None
