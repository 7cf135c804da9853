"""The model manager: lazy loads, leases, least-recently-used eviction under memory
pressure, T4 first when present, and the fallback chain down to the extractive summarizer.

Decision order for a lease (after Ollama's scheduler): reuse a loaded model; otherwise make
room — evict idle models, least recently used first, while the model limit is reached or the
estimate does not fit in ``max_memory_fraction`` of free memory — then load on the GPU if it
fits there, else on the CPU; if nothing fits, try the next model of the task's chain. A
leased model is never evicted. Probes, loaders and the clock are injected so tests script them.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from engine.errors import (
    HntaiError,
    InsufficientMemory,
    ModelChecksumMismatch,
    ModelLoadFailed,
    ModelNotFound,
)
from engine.models.backends.base import LoadedModel, Loader, LoadRequest
from engine.models.config import ModelsConfig, ModelSpec, load_config
from engine.models.memory import MemoryProbe, MemoryState, system_memory
from engine.models.registry import locate, size_on_disk, verify

log = logging.getLogger("hntai.models")
_RECOVERABLE = (ModelNotFound, ModelLoadFailed, ModelChecksumMismatch, InsufficientMemory)


def default_loaders() -> dict[str, Loader]:
    from engine.models.backends.fallback import load_fallback
    from engine.models.backends.gguf import load_gguf
    from engine.models.backends.openvino import load_openvino
    from engine.models.backends.transformers import load_transformers
    from engine.models.backends.whisper import load_whisper

    return {"gguf": load_gguf, "transformers": load_transformers, "openvino": load_openvino,
            "whisper": load_whisper, "fallback": load_fallback}


@dataclass
class _Slot:
    spec: ModelSpec
    model: LoadedModel
    memory: int
    loaded_at: float
    last_used: float
    leases: int = 0


@dataclass(frozen=True)
class ModelStatus:
    name: str
    task: str
    backend: str
    device: str
    memory_bytes: int
    leases: int
    idle_s: float


class ModelManager:
    def __init__(
        self, config: ModelsConfig, model_dirs: Sequence[Path], *,
        probe: MemoryProbe = system_memory, clock: Callable[[], float] = time.monotonic,
        loaders: Mapping[str, Loader] | None = None,
        on_event: Callable[[Mapping[str, Any]], None] | None = None,
        threads: int | None = None,
    ) -> None:
        self.config = config
        self.model_dirs = [Path(d) for d in model_dirs]
        self.probe = probe
        self.clock = clock
        self.loaders = dict(loaders) if loaders is not None else default_loaders()
        self.on_event = on_event
        self.threads = threads or psutil.cpu_count(logical=False) or 1
        self._slots: dict[str, _Slot] = {}
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._monitor: threading.Thread | None = None

    @classmethod
    def from_config(cls, path: Path, model_dirs: Sequence[Path], **kwargs: Any
                    ) -> ModelManager:
        return cls(load_config(path), model_dirs, **kwargs)

    # --- leasing ------------------------------------------------------------------

    @contextlib.contextmanager
    def lease(self, task: str, name: str | None = None) -> Iterator[LoadedModel]:
        """Hold a model for one job; it cannot be evicted until the block ends."""
        errors: list[HntaiError] = []
        slot = None
        for candidate in self.config.chain(task, name):
            try:
                slot = self._acquire(candidate)
                break
            except _RECOVERABLE as exc:
                errors.append(exc)
                self._event("fallback", candidate, reason=exc.code.value)
        if slot is None:
            raise errors[-1] if errors else InsufficientMemory(
                "no model for this task could be loaded", {"task": task})
        try:
            yield slot.model
        finally:
            with self._lock:
                slot.leases -= 1
                slot.last_used = self.clock()

    def load(self, name: str) -> ModelStatus:
        slot = self._acquire(name)
        with self._lock:
            slot.leases -= 1
        return self._status(slot)

    def unload(self, name: str, reason: str = "request") -> bool:
        with self._lock:
            slot = self._slots.get(name)
            if slot is None:
                return False
            if slot.leases:
                raise InsufficientMemory("the model is in use by a running job",
                                         {"model": name})
            self._drop(slot, "unload" if reason == "request" else "evict", reason)
            return True

    def _acquire(self, name: str) -> _Slot:
        spec = self.config.models[name]
        with self._lock:
            slot = self._slots.get(name)
            if slot is None:
                slot = self._load(spec)
            slot.leases += 1
            slot.last_used = self.clock()
            return slot

    # --- placement ----------------------------------------------------------------

    def estimate(self, spec: ModelSpec, path: Path | None) -> int:
        if spec.memory_mb is not None:
            return spec.memory_mb * 1024 * 1024
        size = size_on_disk(path) if path else 0
        # KV cache, roughly: a quarter of the weights per 2k context tokens on small models.
        return int(size * (1 + 0.25 * spec.context_window / 2048))

    def _load(self, spec: ModelSpec) -> _Slot:
        path = None
        if spec.backend != "fallback":
            path = locate(spec, self.model_dirs)
            verify(spec, path)
        need = self.estimate(spec, path)
        device = self._place(spec, need)
        loader = self.loaders.get(spec.backend)
        if loader is None:
            raise ModelLoadFailed("no loader for this backend",
                                  {"model": spec.name, "backend": spec.backend})
        started = self.clock()
        model = loader(LoadRequest(spec.name, path, spec.context_window, device, self.threads))
        slot = _Slot(spec, model, max(need, model.memory_bytes()), started, self.clock())
        self._slots[spec.name] = slot
        self._event("load", spec.name, device=model.device,
                    seconds=round(self.clock() - started, 3), memory_bytes=slot.memory)
        return slot

    def _place(self, spec: ModelSpec, need: int) -> str:
        """Make room and pick the device; raise InsufficientMemory when nothing fits."""
        fraction = self.config.policy.max_memory_fraction
        while len(self._slots) >= self.config.policy.max_loaded_models:
            if not self._evict_one(f"model limit for {spec.name}"):
                raise InsufficientMemory("every loaded model is in use",
                                         {"model": spec.name})
        if need == 0:
            return "cpu"
        wants_gpu = self.config.policy.device in ("auto", "cuda") and spec.backend != "fallback"
        while True:
            mem = self.probe()
            if wants_gpu and mem.vram_free is not None and need <= mem.vram_free * fraction:
                return "cuda"
            if self.config.policy.device != "cuda" and need <= mem.ram_free * fraction:
                return "cpu"
            if not self._evict_one(f"memory for {spec.name}"):
                raise InsufficientMemory("the model does not fit in free memory",
                                         {"model": spec.name, "needed_bytes": need,
                                          "free_bytes": mem.ram_free})

    def _evict_one(self, reason: str) -> bool:
        idle = [s for s in self._slots.values() if s.leases == 0]
        if not idle:
            return False
        self._drop(min(idle, key=lambda s: s.last_used), "evict", reason)
        return True

    def _drop(self, slot: _Slot, action: str, reason: str) -> None:
        del self._slots[slot.spec.name]
        slot.model.unload()
        self._event(action, slot.spec.name, reason=reason, memory_bytes=slot.memory)

    # --- background pressure monitor -----------------------------------------------

    def check_pressure(self, state: MemoryState | None = None) -> None:
        """Evict idle models past their keep-alive, or all idle ones under memory pressure."""
        with self._lock:
            now = self.clock()
            for slot in [s for s in self._slots.values() if s.leases == 0]:
                if now - slot.last_used > self.config.policy.keep_alive_s:
                    self._drop(slot, "evict", "keep-alive expired")
            state = state or self.probe()
            used = 1 - state.ram_free / max(state.ram_total, 1)
            while used > self.config.policy.max_memory_fraction and self._evict_one(
                    "memory pressure"):
                state = self.probe()
                used = 1 - state.ram_free / max(state.ram_total, 1)

    def start_monitor(self, interval_s: float = 5.0) -> None:
        def run() -> None:
            while not self._stop.wait(interval_s):
                try:
                    self.check_pressure()
                except Exception:  # the monitor must outlive a failed probe
                    log.exception("pressure_check_failed")

        self._monitor = threading.Thread(target=run, name="model-monitor", daemon=True)
        self._monitor.start()

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            for slot in list(self._slots.values()):
                self._drop(slot, "unload", "shutdown")

    # --- reporting ----------------------------------------------------------------

    def _status(self, slot: _Slot) -> ModelStatus:
        return ModelStatus(slot.spec.name, slot.spec.task, slot.spec.backend, slot.model.device,
                           slot.memory, slot.leases, round(self.clock() - slot.last_used, 1))

    def status(self) -> list[ModelStatus]:
        with self._lock:
            return [self._status(s) for s in self._slots.values()]

    def metrics_text(self) -> str:
        lines = ["# HELP hntai_model_loaded 1 while a model is loaded",
                 "# TYPE hntai_model_loaded gauge"]
        rows = self.status()
        lines += [f'hntai_model_loaded{{model="{s.name}",device="{s.device}"}} 1' for s in rows]
        lines += ["# HELP hntai_model_memory_bytes estimated memory held by a loaded model",
                  "# TYPE hntai_model_memory_bytes gauge"]
        lines += [f'hntai_model_memory_bytes{{model="{s.name}"}} {s.memory_bytes}' for s in rows]
        lines += ["# HELP hntai_model_leases jobs holding a model",
                  "# TYPE hntai_model_leases gauge"]
        lines += [f'hntai_model_leases{{model="{s.name}"}} {s.leases}' for s in rows]
        return "\n".join(lines) + "\n"

    def _event(self, action: str, model: str, **fields: Any) -> None:
        log.info(f"model_{action}", extra={"model": model, **fields})
        if self.on_event is not None:
            self.on_event({"action": action, "model": model, **fields})
