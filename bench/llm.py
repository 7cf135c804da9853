"""Generation through the model manager against raw llama-cpp-python, same model, prompt
and settings (greedy, fixed token count), alternating runs; plus load time, time to first
token and eviction latency. Writes bench/results/llm.{json,md}.

    .venv/bin/python bench/llm.py [--tokens 128] [--repeats 3]
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import llama_cpp
import psutil

from engine.models import ModelManager
from engine.models.backends.base import GenerationSettings
from engine.models.backends.gguf import generation_threads
from engine.models.registry import locate

ROOT = Path(__file__).resolve().parents[1]
MODEL = "smollm2-135m-instruct-q4"  # the embedded GGUF file: the same path any GGUF takes
RESULTS = ROOT / "bench" / "results"
SYSTEM = "You are a clinical documentation assistant."
PROMPT = ("Summarize: 67-year-old man admitted with community-acquired pneumonia, treated "
          "with ceftriaxone and azithromycin, discharged on amoxicillin-clavulanate. "
          "History of hypertension on amlodipine. Follow up in one week.")


def raw_run(llm: llama_cpp.Llama, tokens: int) -> tuple[float, float, int]:
    start = time.perf_counter()
    first = None
    count = 0
    for chunk in llm.create_chat_completion(
            messages=[{"role": "system", "content": SYSTEM}, {"role": "user", "content": PROMPT}],
            max_tokens=tokens, temperature=0.0, top_p=0.9,
            repeat_penalty=GenerationSettings.repeat_penalty, stream=True):
        if chunk["choices"][0]["delta"].get("content"):
            first = first or time.perf_counter()
            count += 1
    return time.perf_counter() - start, (first or time.perf_counter()) - start, count


def manager_run(model, tokens: int) -> tuple[float, float, int]:
    start = time.perf_counter()
    first = None
    count = 0
    for _piece in model.generate(SYSTEM, PROMPT, GenerationSettings(max_tokens=tokens,
                                                                    temperature=0.0)):
        first = first or time.perf_counter()
        count += 1
    return time.perf_counter() - start, (first or time.perf_counter()) - start, count


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    threads = psutil.cpu_count(logical=False) or 1
    with tempfile.TemporaryDirectory() as tmp:
        manager = ModelManager.from_config(ROOT / "models_config.json", [Path(tmp)],
                                           threads=threads)
        t0 = time.perf_counter()
        with manager.lease("summary", MODEL) as model:
            spec = manager.config.models[model.name]
        load_s = time.perf_counter() - t0
        model_path = locate(spec, [Path(tmp)])
        t0 = time.perf_counter()
        # the thread counts the engine's backend uses for the same machine load
        raw = llama_cpp.Llama(model_path=str(model_path), n_ctx=spec.context_window,
                              n_threads=generation_threads(threads), n_threads_batch=threads,
                              verbose=False)
        raw_load_s = time.perf_counter() - t0
        raw_runs, mgr_runs = [], []
        with manager.lease("summary", MODEL) as model:
            for _ in range(args.repeats):  # alternate so drift hits both alike
                raw_runs.append(raw_run(raw, args.tokens))
                mgr_runs.append(manager_run(model, args.tokens))
        # Eviction as the scheduler does it: at a one-model limit, leasing the extractive
        # fallback must first evict the idle GGUF model.
        single = replace(manager.config, policy=replace(manager.config.policy,
                                                        max_loaded_models=1))
        events: list = []
        evicting = ModelManager(single, [Path(tmp)], threads=threads, on_event=events.append)
        evicting.load(spec.name)
        t0 = time.perf_counter()
        evicting.load("extractive")
        evict_s = time.perf_counter() - t0
        assert [e["action"] for e in events] == ["load", "evict", "load"], events
        evicting.close()
        manager.close()

    def rate(runs):
        return max(n / (total - first) for total, first, n in runs if n > 1)

    results = {
        "model": spec.name, "threads": threads, "tokens": args.tokens, "cpus": os.cpu_count(),
        "raw_tokens_per_s": round(rate(raw_runs), 1),
        "manager_tokens_per_s": round(rate(mgr_runs), 1),
        "ratio_manager_vs_raw": round(rate(mgr_runs) / rate(raw_runs), 3),
        "manager_load_s": round(load_s, 3), "raw_load_s": round(raw_load_s, 3),
        # The first run of each is the cold one; later runs reuse llama.cpp's prompt cache.
        "manager_first_token_s": round(mgr_runs[0][1], 3),
        "raw_first_token_s": round(raw_runs[0][1], 3),
        "eviction_s": round(evict_s, 4),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "llm.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = ["# Generation through the manager vs raw llama-cpp-python (bench/llm.py)", "",
             f"{results['model']}, {threads} threads, {args.tokens} tokens greedy, best of "
             f"{args.repeats}.", "", "| measure | manager | raw llama-cpp-python |",
             "|---|---|---|",
             f"| tokens/s | {results['manager_tokens_per_s']} | {results['raw_tokens_per_s']} |",
             f"| load s | {results['manager_load_s']} | {results['raw_load_s']} |",
             f"| first token s (cold prompt) | {results['manager_first_token_s']} | "
             f"{results['raw_first_token_s']} |", "",
             f"Ratio manager/raw: **{results['ratio_manager_vs_raw']}** (target >= 0.95); "
             f"eviction of the idle model before the next load {results['eviction_s']} s.",
             "", "Same model file, prompt, thread count and settings (greedy, top_p 0.9, "
             "repeat penalty 1.1); tokens/s over the generation after the first token."]
    (RESULTS / "llm.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
