"""One dictated utterance (≤ 30 s) into text, with the Whisper encoder sized to the audio.

faster-whisper's ``transcribe`` pads every window to 30 s, so a 3-second utterance costs
the encoder as much as 30 s of speech (0.55 s of the 0.6 s a final takes with Whisper base
on two cores). CTranslate2 accepts shorter mel inputs. This pads the waveform with real
silence (so the padding looks like silence to the model, not like zeroed features) to at
least ``_MIN_WINDOW_S`` — shorter windows made the decoder loop on 2-second utterances —
and decodes greedily with the prompt rules of ``transcribe``: medical hotwords for the
first utterance, the text so far after that. Text that compresses like a loop (Whisper's
own test, gzip ratio > 2.4) is decoded again over the full 30 s window. File
transcription keeps faster-whisper's own loop.
"""

from __future__ import annotations

import numpy as np

SAMPLE_RATE = 16000
_HOP = 160  # samples per mel frame
_FULL_FRAMES = 3000  # 30 s: the window Whisper was trained on, and the most it takes
_MIN_WINDOW_S = 10.0
_MARGIN_S = 1.0  # silence after the speech: without it the last word is often dropped
_TOKENS_PER_S = 8  # generous for speech (~3 words/s); stops a runaway decode early
_LOOP_RATIO = 2.4  # faster-whisper's own compression_ratio_threshold


def looks_looped(text: str) -> bool:
    from faster_whisper.transcribe import get_compression_ratio

    return len(text.encode("utf-8")) > 40 and get_compression_ratio(text) > _LOOP_RATIO


class UtteranceRecognizer:
    """``recognizer(audio, context) -> text`` over a faster_whisper ``WhisperModel``."""

    def __init__(self, whisper, hotwords: str | None, language: str | None) -> None:
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_suppressed_tokens

        self.whisper = whisper
        self.tokenizer = Tokenizer(whisper.hf_tokenizer, whisper.model.is_multilingual,
                                   task="transcribe", language=language or "en")
        self.suppress = list(get_suppressed_tokens(self.tokenizer, [-1]))
        self.hotwords = hotwords

    def prompt(self, context: str) -> list[int]:
        """faster-whisper's own prompt (it keeps the last half-context of the text so far)."""
        previous = self.tokenizer.encode(" " + context.strip()) if context.strip() else []
        return self.whisper.get_prompt(self.tokenizer, previous, without_timestamps=True,
                                       hotwords=None if previous else self.hotwords)

    def features(self, audio: np.ndarray, full: bool = False) -> np.ndarray:
        """Log-mel frames of the audio and trailing silence: an even count, ≤ 30 s."""
        limit = _FULL_FRAMES * _HOP - _HOP  # the extractor appends one frame's samples
        audio = np.asarray(audio, dtype=np.float32)[:limit]
        window = limit if full else max(len(audio) + int(_MARGIN_S * SAMPLE_RATE),
                                        int(_MIN_WINDOW_S * SAMPLE_RATE))
        mel = self.whisper.feature_extractor(np.pad(audio, (0, min(window, limit) - len(audio))))
        frames = min(_FULL_FRAMES, mel.shape[-1] - mel.shape[-1] % 2)
        return np.ascontiguousarray(mel[None, :, :frames], dtype=np.float32)

    def decode(self, audio: np.ndarray, context: str, full: bool) -> str:
        import ctranslate2

        features = ctranslate2.StorageView.from_array(self.features(audio, full))
        prompt = self.prompt(context)
        budget = int(len(audio) / SAMPLE_RATE * _TOKENS_PER_S) + 16
        result = self.whisper.model.generate(
            features, [prompt], beam_size=1, suppress_blank=True,
            suppress_tokens=self.suppress, max_length=min(448, len(prompt) + budget))[0]
        ids = [t for t in result.sequences_ids[0] if t < self.tokenizer.eot]
        return self.tokenizer.decode(ids).strip()

    def __call__(self, audio: np.ndarray, context: str = "") -> str:
        if len(audio) == 0:
            return ""
        text = self.decode(audio, context, full=False)
        return self.decode(audio, context, full=True) if looks_looped(text) else text
