"""The dictation session's scheduling with real speech and the real Silero VAD, and a
fake recognizer (it records what it was asked and answers with a counter) so the tests
can see which recognition became which final."""

from __future__ import annotations

import numpy as np
import pytest
from faster_whisper.audio import decode_audio

from engine import dictation
from engine.dictation import SAMPLE_RATE, DictationSession, DictationSettings

FRAME = 3200  # 200 ms, as the desktop sends


class FakeRecognizer:
    def __init__(self) -> None:
        self.calls: list[int] = []  # samples of audio per call

    def __call__(self, audio: np.ndarray, context: str) -> str:
        self.calls.append(len(audio))
        return f"text {len(self.calls)}"


@pytest.fixture(scope="module")
def speech(eval_dir) -> np.ndarray:
    """0.5 s of silence, 1.36 s of speech, 0.22 s of silence."""
    clip = (eval_dir / "audio" / "librispeech" / "LibriSpeech" / "test-clean" / "1089"
            / "134691" / "1089-134691-0000.flac")  # "he could wait no longer", 2.1 s
    return decode_audio(str(clip), sampling_rate=SAMPLE_RATE)


def _silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32)


def _run(audio: np.ndarray, settings: DictationSettings | None = None):
    recognizer, log = FakeRecognizer(), []
    session = DictationSession(recognizer, lambda t: log.append(("partial", t)),
                               lambda u, t: log.append(("final", u)), settings)
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
    for i in range(0, len(pcm), FRAME * 2):
        session.feed(pcm[i:i + FRAME * 2])
    return session, recognizer, log


def test_final_is_the_recognition_started_when_the_pause_began(speech):
    _, recognizer, log = _run(np.concatenate([speech, _silence(1.5)]))
    finals = [text for kind, text in log if kind == "final"]
    assert len(finals) == 1
    # No recognition ran for the final itself: its text is the last partial's.
    assert log[-1] == ("final", finals[0]) and log[-2] == ("partial", finals[0])
    assert finals[0] == f"text {len(recognizer.calls)}"
    assert recognizer.calls[-1] >= 29760  # it heard all the speech (VAD: it ends at 1.86 s)


def test_speech_after_the_guess_is_recognised_again(speech):
    # The clip said twice with a 0.32 s pause: long enough to start a guess, too short to
    # end the utterance. The speech after the guess must be in the final.
    core = speech[6528:30560]
    _, recognizer, log = _run(np.concatenate([core, core, _silence(1.5)]))
    assert any(20000 < n < len(core) + 3200 for n in recognizer.calls)  # the guess
    finals = [text for kind, text in log if kind == "final"]
    assert len(finals) == 1
    assert recognizer.calls[int(finals[0].split()[1]) - 1] >= 2 * len(core) - 3200


def test_cut_at_the_length_limit_recognises_only_what_it_cuts(speech):
    # speech read on without a long pause is cut at its last short pause
    audio = np.concatenate([speech, _silence(0.3)] * 4 + [_silence(1.5)])
    settings = DictationSettings(max_utterance_s=6.0)
    session, recognizer, log = _run(audio, settings)
    finals = [text for kind, text in log if kind == "final"]
    assert len(finals) >= 2
    first = int(finals[0].split()[1]) - 1
    assert recognizer.calls[first] < 6.0 * SAMPLE_RATE  # the cut audio, not a longer guess
    assert session.text == " ".join(finals)


def test_silence_alone_recognises_nothing():
    session, recognizer, log = _run(_silence(3.0))
    assert recognizer.calls == [] and log == [] and session.stop() == ""



def test_a_fading_voice_is_told_from_speech(speech):
    # where the voice has just faded, no partial starts: the pause's own recognition
    # follows 200 ms later, and a partial begun now would hold it up
    core = speech[6528:30560]
    assert not dictation._fading(core[:16000], 0)  # mid-speech
    assert dictation._fading(np.concatenate([core, _silence(0.15)]), 0)
    assert not dictation._fading(np.concatenate([core, core[8000:10400]]), 0)
