"""``models_config.json``: every model by task and backend, fallback chains, runtime policy.

Validated when loaded; each error names the offending field.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import InvalidConfig

BACKENDS = ("gguf", "transformers", "openvino", "whisper", "fallback")
DEVICES = ("auto", "cuda", "cpu")


@dataclass(frozen=True)
class ModelSpec:
    name: str
    task: str
    backend: str
    path: str | None = None  # relative to a model directory, or inside ``package``
    package: str | None = None  # an installed Python package that ships the file
    sha256: str | None = None
    context_window: int = 2048
    memory_mb: int | None = None  # else estimated from the file size and the context
    generation: Mapping[str, Any] = field(default_factory=dict)
    is_default: bool = False


@dataclass(frozen=True)
class Policy:
    max_loaded_models: int = 2
    max_memory_fraction: float = 0.8
    keep_alive_s: float = 600.0
    device: str = "auto"
    allow_runtime_downloads: bool = False


@dataclass(frozen=True)
class ModelsConfig:
    models: Mapping[str, ModelSpec]
    chains: Mapping[str, tuple[str, ...]]
    policy: Policy

    def chain(self, task: str, first: str | None = None) -> tuple[str, ...]:
        """The names to try for a task: the requested model first, then the chain."""
        if first is not None and first not in self.models:
            raise InvalidConfig("no such model in models_config.json", {"model": first})
        chain = self.chains.get(task) or tuple(
            sorted((m.name for m in self.models.values() if m.task == task),
                   key=lambda n: not self.models[n].is_default))
        return tuple(dict.fromkeys(([first] if first else []) + list(chain)))


def _field(obj: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str,
           default: Any = ...) -> Any:
    if key not in obj:
        if default is ...:
            raise InvalidConfig(f"{where}.{key} is missing", {"field": f"{where}.{key}"})
        return default
    value = obj[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if value is None and default is None:
        return None
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        raise InvalidConfig(f"{where}.{key} has the wrong type", {"field": f"{where}.{key}"})
    return value


def parse_config(raw: Mapping[str, Any]) -> ModelsConfig:
    pol = _field(raw, "policy", dict, "config", {})
    policy = Policy(
        max_loaded_models=_field(pol, "max_loaded_models", int, "policy", 2),
        max_memory_fraction=float(_field(pol, "max_memory_fraction", (int, float), "policy", 0.8)),
        keep_alive_s=float(_field(pol, "keep_alive_s", (int, float), "policy", 600)),
        device=_field(pol, "device", str, "policy", "auto"),
        allow_runtime_downloads=_field(pol, "allow_runtime_downloads", bool, "policy", False),
    )
    if policy.device not in DEVICES:
        raise InvalidConfig("policy.device must be auto, cuda or cpu", {"field": "policy.device"})
    if not 0 < policy.max_memory_fraction <= 1 or policy.max_loaded_models < 1:
        raise InvalidConfig("policy limits are out of range", {"field": "policy"})
    if policy.allow_runtime_downloads:
        raise InvalidConfig("runtime downloads are not supported on an air-gapped workstation",
                            {"field": "policy.allow_runtime_downloads"})
    models: dict[str, ModelSpec] = {}
    for i, m in enumerate(_field(raw, "models", list, "config")):
        where = f"models[{i}]"
        if not isinstance(m, dict):
            raise InvalidConfig(f"{where} must be an object", {"field": where})
        spec = ModelSpec(
            name=_field(m, "name", str, where), task=_field(m, "task", str, where),
            backend=_field(m, "backend", str, where),
            path=_field(m, "path", str, where, None),
            package=_field(m, "package", str, where, None),
            sha256=_field(m, "sha256", str, where, None),
            context_window=_field(m, "context_window", int, where, 2048),
            memory_mb=_field(m, "memory_mb", int, where, None),
            generation=_field(m, "generation", dict, where, {}),
            is_default=_field(m, "is_default", bool, where, False),
        )
        if spec.backend not in BACKENDS:
            raise InvalidConfig(f"{where}.backend must be one of {', '.join(BACKENDS)}",
                                {"field": f"{where}.backend"})
        if spec.backend != "fallback" and not spec.path:
            raise InvalidConfig(f"{where}.path is missing", {"field": f"{where}.path"})
        if spec.name in models:
            raise InvalidConfig(f"{where}.name is used twice", {"field": f"{where}.name"})
        models[spec.name] = spec
    chains: dict[str, tuple[str, ...]] = {}
    for task, names in _field(raw, "fallback_chains", dict, "config", {}).items():
        for name in names:
            if name not in models:
                raise InvalidConfig(f"fallback_chains.{task} names an unknown model",
                                    {"field": f"fallback_chains.{task}", "model": name})
        chains[task] = tuple(names)
    return ModelsConfig(models, chains, policy)


def load_config(path: Path) -> ModelsConfig:
    try:
        raw = json.loads(Path(path).read_text("utf-8"))
    except FileNotFoundError:
        raise InvalidConfig("models_config.json is missing", {"path": str(path)}) from None
    except ValueError as exc:
        raise InvalidConfig("models_config.json is not valid JSON",
                            {"line": getattr(exc, "lineno", None)}) from None
    return parse_config(raw)
