"""Speech recognition: word error rate on ../shared/eval/audio and the real-time factor of
HNTAI's path (model manager lease + engine.documents.audio) against faster-whisper called
directly on the same model and settings. Writes bench/results/asr.{json,md}.

    .venv/bin/python bench/asr.py
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

import jiwer
from faster_whisper import WhisperModel

from engine.documents.audio import hotwords, transcribe
from engine.models import ModelManager
from engine.models.registry import locate
from engine.paths import model_dirs

ROOT = Path(__file__).resolve().parents[1]
EVAL = Path(os.environ.get("HNTAI_EVAL_DIR", ROOT.parent / "shared" / "eval")) / "audio"
RESULTS = ROOT / "bench" / "results"


def normal(text: str) -> str:
    return " ".join("".join(c if c.isalnum() or c.isspace() else " " for c in text.lower())
                    .split())


def corpus() -> list[tuple[Path, str]]:
    items = [(EVAL / "faster_whisper" / "jfk.flac", json.loads(
        (EVAL / "faster_whisper" / "references.json").read_text())["jfk.flac"]["reference"])]
    for trans in sorted((EVAL / "librispeech").rglob("*.trans.txt")):
        for line in trans.read_text().splitlines():
            utt, text = line.split(" ", 1)
            items.append((trans.parent / f"{utt}.flac", text))
    refs = json.loads((EVAL / "synthetic_dictation" / "references.json").read_text())
    items += [(EVAL / "synthetic_dictation" / f"{k}.wav", v) for k, v in sorted(refs.items())]
    return items


def main() -> None:
    items = corpus()
    with tempfile.TemporaryDirectory() as tmp:
        dirs = model_dirs(Path(tmp))
        manager = ModelManager.from_config(ROOT / "models_config.json", dirs)
        with manager.lease("transcription") as leased:
            spec = manager.config.models[leased.name]
            direct = WhisperModel(str(locate(spec, dirs)), device="cpu",
                                  compute_type="int8", cpu_threads=manager.threads)
            ours_time = direct_time = audio_s = 0.0
            refs, hyps = [], []
            for audio, reference in items:  # alternate the two, file by file
                t0 = time.perf_counter()
                result = transcribe(leased.whisper, audio)
                ours_time += time.perf_counter() - t0
                audio_s += result.duration_s
                refs.append(normal(reference))
                hyps.append(normal(result.text))
                t0 = time.perf_counter()
                segments, _ = direct.transcribe(str(audio), beam_size=1, vad_filter=True,
                                                hotwords=hotwords(), language="en",
                                                condition_on_previous_text=False)
                list(segments)
                direct_time += time.perf_counter() - t0
    results = {"files": len(items), "audio_seconds": round(audio_s, 1),
               "wer": round(jiwer.wer(refs, hyps), 4),
               "wer_per_set": {}, "rtf_hntai": round(ours_time / audio_s, 4)}
    for label, select in (("jfk", lambda p: "faster_whisper" in str(p)),
                          ("librispeech", lambda p: "librispeech" in str(p)),
                          ("dictation", lambda p: "synthetic_dictation" in str(p))):
        idx = [i for i, (p, _) in enumerate(items) if select(p)]
        results["wer_per_set"][label] = round(jiwer.wer([refs[i] for i in idx],
                                                        [hyps[i] for i in idx]), 4)
    results["rtf_direct"] = round(direct_time / audio_s, 4)
    results["ratio_hntai_vs_direct"] = round(ours_time / direct_time, 3)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "asr.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = ["# Speech recognition (bench/asr.py)", "",
             f"{spec.name} (embedded), int8 CPU, {results['files']} files, "
             f"{results['audio_seconds']} s of audio.", "",
             f"WER overall {results['wer']}; per set {results['wer_per_set']}.",
             f"Real-time factor: HNTAI {results['rtf_hntai']}, faster-whisper direct "
             f"{results.get('rtf_direct')} (ratio {results.get('ratio_hntai_vs_direct')})."]
    (RESULTS / "asr.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
