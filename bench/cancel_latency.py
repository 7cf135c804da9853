"""How long a summary's Cancel takes to stop llama.cpp, in the two places it can come.

The embedded SmolLM2 through the real llama.cpp path. A second thread sets the job's cancel
event (as the engine's CancelJob does) while the model

* reads a long prompt: stopped by the abort callback that polls the event between the
  steps of the read; the peer is the same run without the callback (the stop was only
  seen at the first token, after the whole prompt), so the ratio shows what it saves;
* writes tokens: stopped by the check between tokens.

Target (issue 18): Cancel stops within 2 s. The tests count tokens and polls after Cancel
(tests/unit/summary/test_cancel.py); the seconds are here.

    python bench/cancel_latency.py [--rounds 5]
Writes bench/results/cancel_latency.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.models import ModelManager  # noqa: E402
from engine.models.backends.base import GenerationSettings  # noqa: E402
from engine.paths import model_dirs  # noqa: E402

RESULTS = ROOT / "bench" / "results"
SMOLLM2 = "smollm2-135m-instruct-q4"
# About 1,300 tokens: most of the test model's 2,048-token context, read before any token.
LONG_PROMPT = "The patient was seen in clinic today for a routine visit. " * 120
SYSTEM = "You are concise."


def stop_after(model, prompt: str, delay_s: float, *, poll_prompt: bool, max_tokens: int,
               after_pieces: int = 0) -> dict[str, float]:
    """Seconds from the cancel to the end of the generation, and the pieces written. The
    cancel comes ``delay_s`` after the start, or after the ``after_pieces``-th piece."""
    cancelled, go = threading.Event(), threading.Event()
    settings = GenerationSettings(max_tokens=max_tokens, temperature=0.0,
                                  should_stop=cancelled.is_set if poll_prompt else None)
    when: list[float] = []

    def cancel() -> None:
        go.wait()
        time.sleep(delay_s)
        when.append(time.monotonic())
        cancelled.set()

    threading.Thread(target=cancel, daemon=True).start()
    if not after_pieces:
        go.set()
    pieces = 0
    stream = model.generate(SYSTEM, prompt, settings)
    for _piece in stream:
        pieces += 1
        if pieces == after_pieces:
            go.set()
        if cancelled.is_set():  # the writer's checkpoint between tokens
            stream.close()
            break
    ended = time.monotonic()
    if not when:  # finished before the cancel came: not a measurement
        raise RuntimeError("the generation ended before the cancel; lower the delay")
    return {"stop_s": round(ended - when[0], 3), "pieces": pieces}


def run(rounds: int) -> dict:
    manager = ModelManager.from_config(ROOT / "models_config.json",
                                       model_dirs(Path(tempfile.mkdtemp())))
    try:
        with manager.lease("summary", SMOLLM2) as model:
            prompt_tokens = model.count_tokens(LONG_PROMPT)
            list(model.generate(SYSTEM, "Hello.", GenerationSettings(max_tokens=2)))  # warm
            started = time.monotonic()
            list(model.generate(SYSTEM, LONG_PROMPT, GenerationSettings(max_tokens=1)))
            read_s = time.monotonic() - started  # the whole prompt read, and one token
            cases = {
                "prompt_with_abort": dict(prompt=LONG_PROMPT, delay_s=read_s / 4,
                                          poll_prompt=True, max_tokens=64),
                "prompt_without_abort": dict(prompt=LONG_PROMPT, delay_s=read_s / 4,
                                             poll_prompt=False, max_tokens=64),
                "between_tokens": dict(prompt="Write a long story about a garden.",
                                       delay_s=0.01, poll_prompt=True, max_tokens=400,
                                       after_pieces=3),
            }
            figures = {}
            for name, case in cases.items():
                # Each round's prompt differs from its first words: llama.cpp would reuse
                # the previous round's read of a shared beginning.
                runs = [stop_after(model, **{**case, "prompt": f"Visit {n}. {case['prompt']}"})
                        for n in range(rounds)]
                stops = sorted(r["stop_s"] for r in runs)
                figures[name] = {"median_stop_s": statistics.median(stops),
                                 "worst_stop_s": stops[-1],
                                 "pieces": [r["pieces"] for r in runs]}
    finally:
        manager.close()
    peer = figures["prompt_without_abort"]["median_stop_s"]
    return {"model": SMOLLM2, "prompt_tokens": prompt_tokens,
            "prompt_read_s": round(read_s, 3), "rounds": rounds, "cases": figures,
            "prompt_stop_ratio": round(figures["prompt_with_abort"]["median_stop_s"]
                                       / max(peer, 1e-6), 3),
            "machine": {"cpus": os.cpu_count(), "load_1min": round(os.getloadavg()[0], 2),
                        "python": platform.python_version()}}


def write(result: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "cancel_latency.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = ["# Cancel latency (bench/cancel_latency.py)", "",
             f"{result['model']}, a {result['prompt_tokens']}-token prompt read in "
             f"{result['prompt_read_s']} s; {result['rounds']} rounds; "
             f"{result['machine']['cpus']} CPUs, load {result['machine']['load_1min']}.", "",
             "| Cancel comes while the model … | median stop (s) | worst (s) | pieces |",
             "|---|---|---|---|"]
    labels = {"prompt_with_abort": "reads the prompt (abort callback)",
              "prompt_without_abort": "reads the prompt (peer: no callback)",
              "between_tokens": "writes tokens (check between tokens)"}
    for name, figures in result["cases"].items():
        lines.append(f"| {labels[name]} | {figures['median_stop_s']} | "
                     f"{figures['worst_stop_s']} | {figures['pieces']} |")
    lines += ["", f"Stop while the prompt is read, with / without the callback: "
                  f"{result['prompt_stop_ratio']}.", ""]
    (RESULTS / "cancel_latency.md").write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    result = run(parser.parse_args().rounds)
    write(result)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
