"""Live dictation latency: the LibriSpeech utterances (twice over) joined with 1.5 s pauses,
streamed in 200 ms frames at real-time pace into a real engine; for each utterance, the
delay from the end of its speech to the arrival of its final text. Writes
bench/results/dictation.{json,md}.

    .venv/bin/python bench/dictation.py
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from faster_whisper.audio import decode_audio

from engine import protocol as p
from engine.client import EngineClient

ROOT = Path(__file__).resolve().parents[1]
EVAL = Path(os.environ.get("HNTAI_EVAL_DIR", ROOT.parent / "shared" / "eval")) / "audio"
RESULTS = ROOT / "bench" / "results"
RATE, FRAME, PAUSE_S, ROUNDS = 16000, 3200, 1.5, 2


def main() -> None:
    clips = sorted((EVAL / "librispeech").rglob("*.flac")) * ROUNDS
    pieces, speech_ends, t = [], [], 0.0
    for clip in clips:
        audio = decode_audio(str(clip), sampling_rate=RATE)
        pieces += [audio, np.zeros(int(PAUSE_S * RATE), dtype=np.float32)]
        t += len(audio) / RATE
        speech_ends.append(t)
        t += PAUSE_S
    pcm = (np.clip(np.concatenate(pieces), -1, 1) * 32767).astype("<i2").tobytes()
    finals: list[float] = []
    with tempfile.TemporaryDirectory() as tmp, EngineClient(Path(tmp) / "data") as engine:
        session = engine.request(p.StartDictation())
        start = time.monotonic()
        for i in range(0, len(pcm), FRAME * 2):
            engine.request(p.DictationAudio(session_id=session, pcm16=pcm[i:i + FRAME * 2]))
            for event in engine.events(timeout=0):
                if isinstance(event, p.DictationFinal):
                    finals.append(time.monotonic() - start)
            time.sleep(max(0.0, start + (i + FRAME * 2) / (2 * RATE) - time.monotonic()))
        deadline = time.monotonic() + 10
        while len(finals) < len(speech_ends) and time.monotonic() < deadline:
            for event in engine.events(timeout=0.1):
                if isinstance(event, p.DictationFinal):
                    finals.append(time.monotonic() - start)
        engine.request(p.StopDictation(session_id=session))
    delays = [f - e for e, f in zip(speech_ends, finals, strict=False) if f >= e]
    results = {"utterances": len(speech_ends), "finals": len(finals),
               "delays_s": [round(d, 2) for d in delays],
               "median_delay_s": round(statistics.median(delays), 2) if delays else None,
               "max_delay_s": round(max(delays), 2) if delays else None}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "dictation.json").write_text(json.dumps(results, indent=2) + "\n")
    text = ("# Dictation latency (bench/dictation.py)\n\n"
            f"{results['utterances']} utterances streamed in real time; final text arrived "
            f"{results['median_delay_s']} s (median), {results['max_delay_s']} s (max) after "
            f"each utterance's speech ended. Delays: {results['delays_s']}.\n")
    (RESULTS / "dictation.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
