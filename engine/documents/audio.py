"""Audio files (WAV, FLAC, MP3, M4A, OGG — decoded by faster-whisper's bundled PyAV) into
text with timestamps, through a leased Whisper model. VAD drops silence.

A file is decoded and recognised one window at a time (``WINDOW_S`` of audio, ~19 MB as
float32), never whole: a four-hour recording costs what five minutes do. A window ends at
the quietest moment of its last seconds, so a cut rarely falls inside a word.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.documents.sniff import detect
from engine.documents.types import Checkpoint, ExtractedDocument, PageText
from engine.errors import CorruptFile, EmptyDocument, FileTooLarge, UnsupportedFormat
from engine.hashing import file_sha256

TERMS = Path(__file__).resolve().parents[2] / "resources" / "asr" / "medical_terms.txt"
MAX_AUDIO_SECONDS = 4 * 3600
RATE = 16_000  # Whisper's sample rate
WINDOW_S = 300.0
CUT_SEARCH_S = 3.0  # where in a window's end the quietest 50 ms is looked for
_BLOCK = RATE // 20  # 50 ms


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
               beam_size: int = 1, window_s: float = WINDOW_S) -> Transcript:
    """``audio`` is a path (recognised window by window) or a float32 16 kHz array;
    ``whisper`` a faster_whisper model."""
    import av  # PyAV ships inside faster-whisper's wheels

    check = checkpoint or (lambda: None)
    if isinstance(audio, Path):
        if detect(audio).kind != "audio":
            raise UnsupportedFormat("the file is not an audio recording")
        _check_duration(audio)
        windows = _windows(audio, window_s)
    else:
        windows = iter([audio])
    out: list[Segment] = []
    detected, offset = None, 0.0
    try:
        for samples in windows:
            check()
            segments, info = whisper.transcribe(
                samples, beam_size=beam_size, vad_filter=True, hotwords=hotwords(),
                condition_on_previous_text=False, language=language(whisper))
            detected = detected or info.language
            length = len(samples) / RATE
            for seg in segments:  # lazy: recognition runs as we iterate, cancel between
                check()
                # Whisper may date a segment's end past the audio it was given.
                segment = Segment(round(offset + min(seg.start, length), 2),
                                  round(offset + min(seg.end, length), 2), seg.text.strip())
                out.append(segment)
                if on_segment is not None:
                    on_segment(segment)
            offset += length
            if offset > MAX_AUDIO_SECONDS:  # a header may understate the length
                raise FileTooLarge("the recording is longer than allowed",
                                   {"seconds": round(offset)})
    except (av.error.InvalidDataError, av.error.FFmpegError, IndexError, ValueError):
        raise CorruptFile("the audio cannot be decoded") from None
    text = " ".join(s.text for s in out if s.text).strip()
    if not text:
        raise EmptyDocument("no speech was found in the recording",
                            {"seconds": round(offset, 1)})
    return Transcript(text, detected or "", round(offset, 2), tuple(out))


def _windows(path: Path, window_s: float) -> Iterator[np.ndarray]:
    """The recording as float32 16 kHz mono, ``window_s`` at a time, decoded as it goes."""
    import av

    window = max(int(window_s * RATE), 2 * int(CUT_SEARCH_S * RATE))
    resampler = av.audio.resampler.AudioResampler(format="s16", layout="mono", rate=RATE)
    held: list[np.ndarray] = []
    count = 0
    with av.open(str(path), mode="r", metadata_errors="ignore") as container:
        for frame in itertools.chain(_decoded_frames(container), [None]):  # None: flush
            for out in resampler.resample(frame):
                pcm = out.to_ndarray().reshape(-1)
                held.append(pcm)
                count += len(pcm)
            while count >= window:
                pending = np.concatenate(held)
                cut = _quiet_cut(pending[:window])
                yield pending[:cut].astype(np.float32) / 32768.0
                held, count = [pending[cut:]], len(pending) - cut
    if count:
        yield np.concatenate(held).astype(np.float32) / 32768.0


def _decoded_frames(container) -> Iterator:
    """Audio frames; damaged ones are skipped, as faster-whisper's own decoder does."""
    import av

    frames = container.decode(audio=0)
    while True:
        try:
            frame = next(frames)
        except StopIteration:
            return
        except av.error.InvalidDataError:
            continue
        frame.pts = None  # the resampler checks timestamps; damaged files break them
        yield frame


def _quiet_cut(pcm: np.ndarray) -> int:
    """Where to end a window: the start of the quietest 50 ms in its last seconds."""
    search = int(CUT_SEARCH_S * RATE)
    tail = pcm[len(pcm) - search:].astype(np.float32)
    blocks = tail[: len(tail) - len(tail) % _BLOCK].reshape(-1, _BLOCK)
    quietest = int(np.argmin((blocks * blocks).mean(axis=1)))
    return len(pcm) - search + quietest * _BLOCK


def _check_duration(path: Path) -> None:
    """Refuse an over-long recording from its header, before any of it is decoded."""
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
