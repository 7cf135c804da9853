"""PNG, JPEG and (multi-frame) TIFF images through OCR."""

from __future__ import annotations

import warnings
from pathlib import Path

from PIL import Image, ImageSequence, UnidentifiedImageError

from engine.documents.ocr import ocr_image
from engine.documents.types import Checkpoint, ExtractionLimits, Progress
from engine.errors import CorruptFile, FileTooLarge


def read_image(path: Path, limits: ExtractionLimits, checkpoint: Checkpoint,
               progress: Progress) -> list[tuple[str, bool]]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path)
            frames = getattr(image, "n_frames", 1)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise FileTooLarge("the image has too many pixels") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise CorruptFile("the image is damaged and cannot be opened") from None
    with image:
        if frames > limits.max_pages:
            raise FileTooLarge("the image has more pages than allowed", {"frames": frames})
        pages: list[tuple[str, bool]] = []
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            checkpoint()
            if frame.width * frame.height > limits.max_image_pixels:
                raise FileTooLarge("the image has too many pixels",
                                   {"pixels": frame.width * frame.height})
            try:
                frame.load()
                pages.append((ocr_image(frame.copy(), limits.ocr_lang, limits.ocr_timeout_s),
                              True))
            except (OSError, ValueError, SyntaxError):
                raise CorruptFile("the image is damaged", {"page": number}) from None
            progress(number, frames)
        return pages
