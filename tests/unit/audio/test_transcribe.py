"""File transcription with the embedded Whisper tiny.en through the model manager: real
recordings from ../shared/eval/audio, and bad audio that must fail with its own code."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

import jiwer
import pytest
from transcripts import normal

from engine.documents.audio import transcribe
from engine.errors import HntaiError


@pytest.fixture(scope="module")
def whisper(manager):
    with manager.lease("transcription") as model:
        assert model.name == "whisper-base" and model.device == "cpu"  # assembled at set-up
        yield model.whisper


def test_jfk_reference(whisper, eval_dir):
    result = transcribe(whisper, eval_dir / "audio" / "faster_whisper" / "jfk.flac")
    reference = ("And so my fellow Americans, ask not what your country can do for you, "
                 "ask what you can do for your country.")
    assert jiwer.wer(normal(reference), normal(result.text)) <= 0.15
    assert result.language == "en" and 10 <= result.duration_s <= 12
    assert result.segments[0].start >= 0 and result.segments[-1].end <= result.duration_s + 1


def test_librispeech_wer(whisper, eval_dir):
    root = eval_dir / "audio" / "librispeech" / "LibriSpeech" / "test-clean" / "1089"
    refs, hyps = [], []
    for trans in sorted(root.rglob("*.trans.txt")):
        for line in trans.read_text().splitlines():
            utt, text = line.split(" ", 1)
            audio = trans.parent / f"{utt}.flac"
            if audio.exists():
                refs.append(normal(text))
                hyps.append(normal(transcribe(whisper, audio).text))
    assert len(refs) == 4
    assert jiwer.wer(refs, hyps) <= 0.25  # the bench reports the exact figure


def _wav(path: Path, seconds: float, tone: bool) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        frames = b"".join(
            struct.pack("<h", int(3000 * math.sin(i / 10)) if tone else 0)
            for i in range(int(16000 * seconds)))
        out.writeframes(frames)
    return path


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("make", "codes"),
    [
        (lambda d: _wav(d / "silence.wav", 3, tone=False), {"EMPTY_DOCUMENT"}),
        (lambda d: _wav(d / "empty.wav", 0, tone=False), {"EMPTY_DOCUMENT", "CORRUPT_FILE"}),
        (lambda d: _write(d / "fake.wav", b"RIFF\x10\x00\x00\x00WAVEjunkjunkjunk"),
         {"CORRUPT_FILE", "EMPTY_DOCUMENT"}),
        (lambda d: _write(d / "text.mp3", b"not audio at all\n"), {"UNSUPPORTED_FORMAT"}),
        (lambda d: _write(d / "zero.flac", b""), {"EMPTY_DOCUMENT"}),
    ],
)
def test_bad_audio(whisper, tmp_path, make, codes):
    with pytest.raises(HntaiError) as err:
        transcribe(whisper, make(tmp_path))
    assert err.value.code.value in codes
