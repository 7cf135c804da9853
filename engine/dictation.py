"""Live dictation: 16 kHz mono PCM frames in, partial text while the clinician speaks and
final text when an utterance ends; spoken commands applied; memory bounded.

Silero VAD (shipped inside faster-whisper) finds where speech stops. An utterance ends at
a pause of ``end_silence_s``, or at the last short pause once it reaches ``max_utterance_s``
(speech read without breath pauses must still produce finals); only the open utterance is
kept in memory. A worker thread per session does the recognition, so the engine's request
loop never waits on it.

Finals come fast because recognition starts at the first sign of a pause, not when the
pause is confirmed: the text of the open utterance is kept with how much audio it covers,
and when the pause reaches ``end_silence_s`` with no speech after that audio, that text is
the final — no second recognition.
"""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

SAMPLE_RATE = 16000
_COMMANDS = (  # spoken command → text; order matters (longest first)
    (re.compile(r"\s*\bnew paragraph\b[.,]?\s*", re.I), "\n\n"),
    (re.compile(r"\s*\bnew line\b[.,]?\s*", re.I), "\n"),
    (re.compile(r"\s*\bquestion mark\b[.,]?", re.I), "?"),
    (re.compile(r"\s*\bfull stop\b[.,]?|\s*\bperiod\b[.,]?", re.I), "."),
    (re.compile(r"\s*\bcomma\b[.,]?", re.I), ","),
)
_SCRATCH = re.compile(r"^\W*scratch that\W*$", re.I)


@dataclass(frozen=True)
class DictationSettings:
    check_every_s: float = 0.4  # VAD is cheap: look for the end of speech often
    partial_every_s: float = 1.0  # recognition is not: partial text at most this often
    end_silence_s: float = 0.5
    max_utterance_s: float = 25.0


@dataclass(frozen=True)
class _Guess:
    """Recognised text of the open utterance's first ``covers`` samples."""

    covers: int
    text: str


def _fading(buffer: np.ndarray, speech_start: int) -> bool:
    """The last 150 ms are 20 dB below the speech: a pause is probably beginning, and a
    partial started now would hold up the final that the pause will bring."""
    recent = buffer[-int(0.15 * SAMPLE_RATE):]
    return float(np.mean(recent ** 2)) < 0.01 * float(np.mean(buffer[speech_start:] ** 2))


def apply_commands(text: str) -> str:
    for pattern, replacement in _COMMANDS:
        text = pattern.sub(replacement, text)
    return text.strip(" ")


class DictationSession:
    """Feed PCM; receive ``on_partial(text)`` and ``on_final(utterance, full_text)``."""

    def __init__(self, recognize: Callable[[np.ndarray, str], str],
                 on_partial: Callable[[str], None], on_final: Callable[[str, str], None],
                 settings: DictationSettings | None = None) -> None:
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        self._vad = lambda audio: get_speech_timestamps(
            audio, VadOptions(min_silence_duration_ms=200, speech_pad_ms=100))
        self.recognize = recognize
        self.on_partial = on_partial
        self.on_final = on_final
        self.settings = settings or DictationSettings()
        self._buffer = np.zeros(0, dtype=np.float32)
        self._since_step = 0
        self._since_partial = 0
        self._guess: _Guess | None = None
        self.utterances: list[str] = []

    def warm_up(self) -> None:
        """Run VAD and the recognizer once on silence: their first calls are slow."""
        silence = np.zeros(SAMPLE_RATE, dtype=np.float32)
        self._vad(silence)
        self.recognize(silence, "")

    @property
    def text(self) -> str:
        return "".join(self.utterances).strip()

    def feed(self, pcm16: bytes, behind: bool = False) -> None:
        """``behind``: more audio is already waiting, so skip partial text (recognising a
        long open utterance every second would fall further behind); finals still run."""
        samples = np.frombuffer(pcm16, dtype="<i2").astype(np.float32) / 32768.0
        self._buffer = np.concatenate([self._buffer, samples])
        self._since_step += len(samples)
        self._since_partial += len(samples)
        if self._since_step >= self.settings.check_every_s * SAMPLE_RATE:
            self._since_step = 0
            due = self._since_partial >= self.settings.partial_every_s * SAMPLE_RATE
            if self._step(due, behind):
                self._since_partial = 0

    def _step(self, due: bool, behind: bool) -> bool:
        """Finish the utterance if speech has stopped; else maybe show partial text.
        Returns True when recognition ran."""
        s = self.settings
        speech = self._vad(self._buffer)
        if not speech:
            self._buffer = self._buffer[-SAMPLE_RATE // 2:]  # silence: keep only a tail
            self._guess = None
            return False
        end = speech[-1]["end"]
        tail = len(self._buffer) - end
        guessed = self._guess is not None and self._guess.covers >= end
        if tail >= s.end_silence_s * SAMPLE_RATE:
            self._finish(end, self._guess if guessed else None)
        elif len(self._buffer) >= s.max_utterance_s * SAMPLE_RATE:
            cut = speech[-2]["end"] if len(speech) > 1 else len(self._buffer)
            self._finish(cut, None)  # the guess may cover speech after the cut
        elif not behind and ((tail > 0 and not guessed) or (
                due and tail == 0 and not _fading(self._buffer, speech[-1]["start"]))):
            # a pause has begun that no recognition covers yet, or partial text is due
            text = self.recognize(self._buffer, self.text)
            self._guess = _Guess(len(self._buffer), text)
            if text:
                self.on_partial(text)
        else:
            return False
        return True

    def _finish(self, cut: int, guess: _Guess | None) -> None:
        audio, self._buffer = self._buffer[:cut], self._buffer[cut:]
        self._guess = None
        # the text so far carries context across cuts
        text = guess.text if guess is not None else self.recognize(audio, self.text)
        if not text:
            return
        if _SCRATCH.match(text):
            if self.utterances:
                self.utterances.pop()
        else:
            piece = apply_commands(text)
            joiner = "" if not self.utterances or self.utterances[-1].endswith("\n") else " "
            self.utterances.append(joiner + piece)
        self.on_final(text, self.text)

    def stop(self) -> str:
        # the open utterance, if it holds speech: Whisper makes up words for silence
        if len(self._buffer) > SAMPLE_RATE // 4 and self._vad(self._buffer):
            whole = self._guess is not None and self._guess.covers == len(self._buffer)
            self._finish(len(self._buffer), self._guess if whole else None)
        self._buffer = np.zeros(0, dtype=np.float32)
        return self.text


class DictationWorker:
    """Runs one session on its own thread, fed through a queue."""

    def __init__(self, session: DictationSession) -> None:
        self.session = session
        self._frames: queue.Queue[bytes | None] = queue.Queue(maxsize=512)
        self._done = threading.Event()
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="dictation", daemon=True)
        self._thread.start()

    def feed(self, pcm16: bytes) -> None:
        self._frames.put(pcm16)

    def _run(self) -> None:
        try:
            self.session.warm_up()
            while (frame := self._frames.get()) is not None:
                self.session.feed(frame, behind=not self._frames.empty())
            self.session.stop()
        except BaseException as exc:  # reported at stop(); the engine keeps serving
            self.error = exc
        finally:
            self._done.set()

    def stop(self, timeout: float = 120.0) -> str:
        self._frames.put(None)
        self._done.wait(timeout)
        if self.error is not None:
            raise self.error
        return self.session.text
