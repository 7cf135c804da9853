"""Audio files (WAV, FLAC, MP3, M4A, OGG — decoded by faster-whisper's bundled PyAV) into
text with timestamps, through a leased Whisper model. VAD drops silence."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from engine.documents.sniff import detect
from engine.documents.types import Checkpoint, ExtractedDocument, PageText
from engine.errors import CorruptFile, EmptyDocument, FileTooLarge, UnsupportedFormat
from engine.hashing import file_sha256

TERMS = Path(__file__).resolve().parents[2] / "resources" / "asr" / "medical_terms.txt"
MAX_AUDIO_SECONDS = 4 * 3600


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Transcript:
    text: str
    language: str
    duration_s: float
    segments: tuple[Segment, ...]


def language(whisper) -> str | None:
    """Dictation here is English; a multilingual model must not guess per utterance."""
    return "en" if whisper.model.is_multilingual else None


@functools.cache
def hotwords() -> str:
    lines = TERMS.read_text("utf-8").splitlines()
    return " ".join(ln.strip() for ln in lines if ln.strip() and not ln.startswith("#"))


def transcribe(whisper, audio, *, checkpoint: Checkpoint | None = None,
               on_segment: Callable[[Segment], None] | None = None,
               beam_size: int = 1) -> Transcript:
    """``audio`` is a path or a float32 16 kHz array; ``whisper`` a faster_whisper model."""
    import av  # PyAV ships inside faster-whisper's wheels

    if isinstance(audio, Path) and detect(audio).kind != "audio":
        raise UnsupportedFormat("the file is not an audio recording")
    if isinstance(audio, Path):
        _check_duration(audio)
    try:
        segments, info = whisper.transcribe(
            str(audio) if isinstance(audio, Path) else audio, beam_size=beam_size,
            vad_filter=True, hotwords=hotwords(), condition_on_previous_text=False,
            language=language(whisper))
    except (av.error.InvalidDataError, av.error.FFmpegError, IndexError, ValueError):
        raise CorruptFile("the audio cannot be decoded") from None
    if info.duration > MAX_AUDIO_SECONDS:
        raise FileTooLarge("the recording is longer than allowed",
                           {"seconds": round(info.duration)})
    out: list[Segment] = []
    for seg in segments:  # lazy: decoding happens as we iterate, so cancel works between
        if checkpoint is not None:
            checkpoint()
        segment = Segment(round(seg.start, 2), round(seg.end, 2), seg.text.strip())
        out.append(segment)
        if on_segment is not None:
            on_segment(segment)
    text = " ".join(s.text for s in out if s.text).strip()
    if not text:
        raise EmptyDocument("no speech was found in the recording",
                            {"seconds": round(info.duration, 1)})
    return Transcript(text, info.language, round(info.duration, 2), tuple(out))


def _check_duration(path: Path) -> None:
    """Refuse an over-long recording from its header: faster-whisper decodes the whole file
    into memory (4 bytes a sample at 16 kHz) before it says how long it was."""
    import av

    try:
        with av.open(str(path)) as container:
            seconds = (container.duration or 0) / 1_000_000
    except (av.error.FFmpegError, IndexError, ValueError, OSError):
        raise CorruptFile("the audio cannot be decoded") from None
    if seconds > MAX_AUDIO_SECONDS:
        raise FileTooLarge("the recording is longer than allowed", {"seconds": round(seconds)})


def transcript_document(path: Path, transcript: Transcript) -> ExtractedDocument:
    """A transcript as a one-page document for the scrub → clinical → store stages."""
    digest = file_sha256(path)
    page = PageText(1, 0, len(transcript.text), False)
    return ExtractedDocument(kind="audio", mime="audio/*", text=transcript.text, pages=(page,),
                             sha256=digest, size_bytes=path.stat().st_size)
