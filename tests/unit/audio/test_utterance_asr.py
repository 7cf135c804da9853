"""The dictation recognizer (encoder window sized to the utterance) on the embedded
Whisper model: real recordings, its window sizes, prompts and the loop guard."""

from __future__ import annotations

import jiwer
import numpy as np
import pytest
from faster_whisper.audio import decode_audio
from transcripts import normal

from engine.documents.audio import hotwords, language
from engine.utterance_asr import UtteranceRecognizer, looks_looped

SAMPLE_RATE = 16000


@pytest.fixture(scope="module")
def recognizer(manager):
    with manager.lease("transcription") as model:
        yield UtteranceRecognizer(model.whisper, hotwords(), language(model.whisper))


def test_short_utterances_are_recognised(recognizer, eval_dir):
    root = eval_dir / "audio" / "librispeech" / "LibriSpeech" / "test-clean" / "1089"
    refs, hyps = [], []
    for trans in sorted(root.rglob("*.trans.txt")):
        for line in trans.read_text().splitlines():
            utt, text = line.split(" ", 1)
            audio = decode_audio(str(trans.parent / f"{utt}.flac"), sampling_rate=SAMPLE_RATE)
            refs.append(normal(text))
            hyps.append(normal(recognizer(audio)))
    assert len(refs) == 4 and jiwer.wer(refs, hyps) <= 0.15, hyps


def test_two_seconds_of_speech_do_not_loop(recognizer, eval_dir):
    # the first 2.4 s of the JFK clip looped "and so my fellow americans" in a window
    # sized to the audio alone; the 10 s minimum window stops that
    audio = decode_audio(str(eval_dir / "audio" / "faster_whisper" / "jfk.flac"),
                         sampling_rate=SAMPLE_RATE)[:int(2.4 * SAMPLE_RATE)]
    text = normal(recognizer(audio))
    assert text.startswith("and so my") and len(text.split()) <= 6, text


def test_window_follows_the_utterance(recognizer):
    def frames(seconds: float, full: bool = False) -> int:
        audio = np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32)
        return recognizer.features(audio, full).shape[-1]

    assert frames(2.0) == 1000  # the 10 s minimum
    assert frames(14.0) == 1500  # speech and 1 s of silence
    assert frames(29.5) == frames(40.0) == frames(3.0, full=True) == 3000
    assert recognizer.features(np.zeros(1000, np.float32)).dtype == np.float32


def test_prompt_carries_hotwords_first_then_the_text_so_far(recognizer):
    tok = recognizer.tokenizer
    first = recognizer.prompt("")
    hotword_tokens = tok.encode(" " + hotwords().strip())
    assert first[0] == tok.sot_prev and first[1:len(hotword_tokens) + 1] == hotword_tokens
    later = recognizer.prompt("Patient seen today.")
    assert tok.decode(later[1:later.index(tok.sot)]).strip() == "Patient seen today."
    assert later[-1] == tok.no_timestamps
    long_context = recognizer.prompt("word " * 1000)
    assert len(long_context) <= 448 // 2 + len(tok.sot_sequence) + 1


def test_loop_guard():
    assert looks_looped("and so my fellow americans " * 6)
    assert not looks_looped("Patient reports chest pain radiating to the left arm since "
                            "yesterday evening, worse on exertion.")
    assert not looks_looped("ok")
