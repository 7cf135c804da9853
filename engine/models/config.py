"""``models_config.json``: every model by task and backend, fallback chains, runtime policy.

Validated when loaded; each error names the offending field.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from engine.errors import InvalidConfig
from engine.paths import models_overlay_path
from engine.policy import MachinePolicy, machine_policy

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


def read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(Path(path).read_text("utf-8"))
    except FileNotFoundError:
        raise InvalidConfig("models_config.json is missing", {"path": str(path)}) from None
    except ValueError as exc:
        raise InvalidConfig("models_config.json is not valid JSON",
                            {"path": str(path), "line": getattr(exc, "lineno", None)}) from None


def merge_overlay(base: Mapping[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    """The shipped list with the imported models: an imported model replaces a shipped one
    of the same name; a new one goes first in its task's chain (IT imported it to use it).
    The chain is derived here, not stored, so that an upgraded shipped list stays valid."""
    merged = dict(base)
    models = {m["name"]: m for m in base.get("models", []) if isinstance(m, dict)}
    chains = {task: list(names) for task, names in base.get("fallback_chains", {}).items()}
    entries = overlay.get("models")
    if not isinstance(entries, list) or not all(isinstance(m, dict) for m in entries):
        raise InvalidConfig("the imported models list must hold model objects",
                            {"field": "overlay.models", "path": str(models_overlay_path())})
    for entry in entries:
        if entry.get("name") not in models and entry.get("task") in chains:
            chains[entry["task"]].insert(0, entry["name"])
        models[entry.get("name")] = entry
    merged["models"] = list(models.values())
    merged["fallback_chains"] = chains
    return merged


def apply_policy(config: ModelsConfig, policy: MachinePolicy) -> ModelsConfig:
    """The machine policy's chains per task and memory thresholds, checked against the list."""
    chains = dict(config.chains)
    for task, names in policy.models_per_task.items():
        for name in names:
            if name not in config.models or config.models[name].task != task:
                raise InvalidConfig(f"policy key models.tasks.{task} names a model that is not "
                                    f"a {task} model in models_config.json",
                                    {"key": f"models.tasks.{task}", "model": name,
                                     "path": str(policy.source)})
        chains[task] = names
    limits = {"max_memory_fraction": policy.max_memory_fraction,
              "max_loaded_models": policy.max_loaded_models}
    runtime = replace(config.policy, **{k: v for k, v in limits.items() if v is not None})
    return ModelsConfig(config.models, chains, runtime)


def load_config(path: Path, *, machine: bool = True) -> ModelsConfig:
    """The model list at ``path``; with ``machine``, merged with the models imported on this
    workstation (``paths.models_overlay_path``) and adjusted by its machine policy."""
    raw = read_json(path)
    if not machine:
        return parse_config(raw)
    overlay = models_overlay_path()
    if overlay.exists():
        raw = merge_overlay(raw, read_json(overlay))
    return apply_policy(parse_config(raw), machine_policy())
