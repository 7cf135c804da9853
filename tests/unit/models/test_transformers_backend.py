"""The Transformers backend through the real loading path, on a tiny causal LM built here
from a config with random weights (no hub access). The OpenVINO backend shares the path and
is exercised only where its extra is installed."""

from __future__ import annotations

import importlib.util

import pytest

from engine.models import ModelManager, parse_config
from engine.models.backends.base import GenerationSettings

transformers = pytest.importorskip(
    "transformers", reason="the transformers extra is not installed (CI installs it)")


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory):
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    directory = tmp_path_factory.mktemp("tiny") / "tiny-llama"
    raw = Tokenizer(models.WordLevel(unk_token="<unk>"))
    raw.pre_tokenizer = pre_tokenizers.Whitespace()
    raw.train_from_iterator(["the patient has hypertension and takes lisinopril daily"] * 4,
                            trainers.WordLevelTrainer(special_tokens=["<unk>", "<s>", "</s>"]))
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=raw, unk_token="<unk>",
                                        bos_token="<s>", eos_token="</s>")
    config = LlamaConfig(vocab_size=tokenizer.vocab_size, hidden_size=32,
                         intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
                         num_key_value_heads=2, max_position_embeddings=128)
    LlamaForCausalLM(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def _config(backend: str):
    return parse_config({"models": [{"name": "tiny", "task": "summary", "backend": backend,
                                     "path": "tiny-llama", "context_window": 128}]})


def test_tiny_transformers_model_loads_generates_unloads(tiny_model_dir):
    manager = ModelManager(_config("transformers"), [tiny_model_dir.parent])
    with manager.lease("summary") as model:
        assert model.device == "cpu" and model.context_window == 128
        assert model.count_tokens("the patient has hypertension") == 4
        out = list(model.generate("", "the patient", GenerationSettings(max_tokens=5,
                                                                        temperature=0.0)))
        assert isinstance("".join(out), str)
        assert model.memory_bytes() > 0
    assert manager.unload("tiny") and manager.status() == []


@pytest.mark.skipif(importlib.util.find_spec("optimum") is None,
                    reason="the openvino extra (optimum-intel) is not installed")
def test_openvino_backend_where_installed(tiny_model_dir):
    manager = ModelManager(_config("openvino"), [tiny_model_dir.parent])
    with manager.lease("summary") as model:  # converted from the PyTorch checkpoint
        assert model.device == "cpu"
        assert model.count_tokens("the patient has hypertension") == 4
        list(model.generate("", "the patient", GenerationSettings(max_tokens=3,
                                                                  temperature=0.0)))
