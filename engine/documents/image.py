"""PNG, JPEG and (multi-frame) TIFF images through OCR."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

from PIL import Image

from engine.documents.ocr import ocr_image
from engine.documents.types import Checkpoint, ExtractionLimits, Progress
from engine.errors import CorruptFile, FileTooLarge


def read_image(path: Path, limits: ExtractionLimits, checkpoint: Checkpoint,
               progress: Progress) -> list[tuple[str, bool]]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # damaged tags warn; decoding decides below
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path)
            frames = getattr(image, "n_frames", 1)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise FileTooLarge("the image has too many pixels") from None
    except Exception:  # PIL raises many kinds (OSError, KeyError, SyntaxError …) on damage
        raise CorruptFile("the image is damaged and cannot be opened") from None
    with image, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # damaged-tag warnings: the decode below decides
        if frames > limits.max_pages:
            raise FileTooLarge("the image has more pages than allowed", {"frames": frames})
        pages: list[tuple[str, bool]] = []
        for number, frame in _frames(image):
            checkpoint()
            if frame.width * frame.height > limits.max_image_pixels:
                raise FileTooLarge("the image has too many pixels",
                                   {"pixels": frame.width * frame.height})
            pages.append((ocr_image(_decoded(frame, number), limits.ocr_lang,
                                    limits.ocr_timeout_s), True))
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
        return frame.copy()
    except Exception:  # PIL's decoders raise OSError, KeyError, TypeError, struct.error …
        raise CorruptFile("the image is damaged", {"page": number}) from None
