"""Live dictation: latency, and what streaming costs in accuracy at each speed.

Latency: the LibriSpeech utterances (twice over) joined with 1.5 s pauses, streamed in
200 ms frames at real-time pace into a real engine; for each utterance, the delay from the
end of its speech to the arrival of its final text.

Accuracy against speed: each synthetic dictation (../shared/eval/audio/synthetic_dictation)
transcribed three ways and scored (WER) against its reference:
  - whole file: faster-whisper's own file transcription (the peer);
  - lockstep: the engine's session and recognizer fed frame by frame, each frame done
    before the next (a machine that always keeps up: what tests/integration asserts);
  - real time / as fast as possible: streamed through a real engine process at a
    microphone's pace, and as fast as the pipe takes it. A session that falls behind skips
    partial text, so what it recognises depends on the machine's speed: these two rows
    are this machine's figures, not a property of the code.
Nothing here is tuned: the figures are measurements of the shipped settings.
Writes bench/results/dictation.{json,md}.

    .venv/bin/python bench/dictation.py
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import jiwer
import numpy as np
from faster_whisper.audio import decode_audio

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # tests/transcripts.py: the WER normaliser

from transcripts import normal  # noqa: E402

from engine import protocol as p  # noqa: E402
from engine.client import EngineClient  # noqa: E402
from engine.dictation import DictationSession  # noqa: E402
from engine.documents.audio import hotwords, language, transcribe  # noqa: E402
from engine.models import ModelManager  # noqa: E402
from engine.paths import model_dirs  # noqa: E402
from engine.utterance_asr import UtteranceRecognizer  # noqa: E402

EVAL = Path(os.environ.get("HNTAI_EVAL_DIR", ROOT.parent / "shared" / "eval")) / "audio"
RESULTS = ROOT / "bench" / "results"
RATE, FRAME, PAUSE_S, ROUNDS = 16000, 3200, 1.5, 2
BYTES_PER_FRAME = FRAME * 2  # 16-bit samples


def _pcm(audio: np.ndarray) -> bytes:
    return (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()


def _stream(engine: EngineClient, pcm: bytes, paced: bool) -> tuple[str, list[float]]:
    """The dictation's text, and when (s after the first frame) each final arrived."""
    session = engine.request(p.StartDictation())
    finals: list[float] = []
    start = time.monotonic()

    def collect(timeout: float) -> None:
        for event in engine.events(timeout=timeout):
            if isinstance(event, p.DictationFinal):
                finals.append(time.monotonic() - start)

    for i in range(0, len(pcm), BYTES_PER_FRAME):
        engine.request(p.DictationAudio(session_id=session, pcm16=pcm[i:i + BYTES_PER_FRAME]))
        collect(0)
        if paced:
            time.sleep(max(0.0, start + (i + BYTES_PER_FRAME) / (2 * RATE) - time.monotonic()))
    return engine.request(p.StopDictation(session_id=session)).text, finals


def latency(engine: EngineClient) -> dict:
    clips = sorted((EVAL / "librispeech").rglob("*.flac")) * ROUNDS
    pieces, speech_ends, t = [], [], 0.0
    for clip in clips:
        audio = decode_audio(str(clip), sampling_rate=RATE)
        pieces += [audio, np.zeros(int(PAUSE_S * RATE), dtype=np.float32)]
        t += len(audio) / RATE
        speech_ends.append(t)
        t += PAUSE_S
    _text, finals = _stream(engine, _pcm(np.concatenate(pieces)), paced=True)
    delays = [f - e for e, f in zip(speech_ends, finals, strict=False) if f >= e]
    return {"utterances": len(speech_ends), "finals": len(finals),
            "delays_s": [round(d, 2) for d in delays],
            "median_delay_s": round(statistics.median(delays), 2) if delays else None,
            "max_delay_s": round(max(delays), 2) if delays else None}


def _file_text(whisper, wav: Path) -> str:
    return transcribe(whisper, wav).text


def _streamed_text(engine: EngineClient, pcm: bytes, paced: bool) -> str:
    return _stream(engine, pcm, paced)[0]


def _lockstep(whisper, pcm: bytes) -> str:
    session = DictationSession(UtteranceRecognizer(whisper, hotwords(), language(whisper)),
                               lambda _text: None, lambda _utterance, _text: None)
    for i in range(0, len(pcm), BYTES_PER_FRAME):
        session.feed(pcm[i:i + BYTES_PER_FRAME])
    return session.stop()


def accuracy(engine: EngineClient, manager: ModelManager) -> dict:
    folder = EVAL / "synthetic_dictation"
    references = {k: normal(v) for k, v in
                  json.loads((folder / "references.json").read_text()).items()}
    wavs = sorted(folder.glob("*.wav"))
    texts: dict[str, list[str]] = {"whole_file": [], "lockstep": [], "real_time": [],
                                   "as_fast_as_possible": []}
    seconds: dict[str, float] = dict.fromkeys(texts, 0.0)
    def timed(way: str, run: Callable[[], str]) -> None:
        started = time.monotonic()
        texts[way].append(run())
        seconds[way] += time.monotonic() - started

    for wav in wavs:
        pcm = _pcm(decode_audio(str(wav), sampling_rate=RATE))
        with manager.lease("transcription") as model:
            timed("whole_file", partial(_file_text, model.whisper, wav))
            timed("lockstep", partial(_lockstep, model.whisper, pcm))
        timed("real_time", partial(_streamed_text, engine, pcm, True))
        timed("as_fast_as_possible", partial(_streamed_text, engine, pcm, False))
    refs = [references[w.stem] for w in wavs]
    audio_s = sum(len(decode_audio(str(w), sampling_rate=RATE)) for w in wavs) / RATE
    return {"files": [w.name for w in wavs], "audio_seconds": round(audio_s, 1),
            "wer": {way: round(jiwer.wer(refs, [normal(t) for t in hyps]), 3)
                    for way, hyps in texts.items()},
            "wall_seconds": {way: round(s, 1) for way, s in seconds.items()}}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        manager = ModelManager.from_config(ROOT / "models_config.json",
                                           model_dirs(Path(tmp) / "models-data"))
        try:
            with EngineClient(Path(tmp) / "data") as engine:
                results = {"date": time.strftime("%Y-%m-%d"),
                           "machine": f"{platform.machine()}, {os.cpu_count()} cores",
                           "load_average_1min_at_start": round(os.getloadavg()[0], 2),
                           "latency": latency(engine), "accuracy": accuracy(engine, manager)}
        finally:
            manager.close()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "dictation.json").write_text(json.dumps(results, indent=2) + "\n")
    lat, acc = results["latency"], results["accuracy"]
    rows = "".join(f"| {way.replace('_', ' ')} | {wer} | {acc['wall_seconds'][way]} s |\n"
                   for way, wer in acc["wer"].items())
    text = ("# Dictation (bench/dictation.py)\n\n"
            f"Run {results['date']} on {results['machine']} (1-minute load average "
            f"{results['load_average_1min_at_start']} at start).\n\n"
            f"Latency: {lat['utterances']} utterances streamed in real time; final text "
            f"arrived {lat['median_delay_s']} s (median), {lat['max_delay_s']} s (max) after "
            f"each utterance's speech ended. Delays: {lat['delays_s']}.\n\n"
            f"Accuracy against speed: {len(acc['files'])} synthetic dictations "
            f"({acc['audio_seconds']} s of speech), WER against their references.\n\n"
            "| transcribed | WER | wall time |\n|---|---|---|\n" + rows + "\n"
            "Lockstep is what the engine's session does on a machine that keeps up; the two "
            "streamed rows depend on this machine's speed and load (a session that falls "
            "behind skips partial text, whose guesses otherwise become finals).\n")
    (RESULTS / "dictation.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
