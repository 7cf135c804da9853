"""The model manager: lazy loads, leases, least-recently-used eviction under memory
pressure, T4 first when present, and the fallback chain down to the extractive summarizer.

Decision order for a lease (after Ollama's scheduler): reuse a loaded model; otherwise
evict idle models (least recently used first) while the model limit is reached; then place
the estimate within ``max_memory_fraction`` of free memory — on the GPU if it fits, else
after evicting an idle GPU model if that could make it fit, else on the CPU, else after
evicting any idle model — and if nothing fits, try the next model of the task's chain. A
leased model is never evicted. Loads run one at a time outside the table lock, so status
and leases of loaded models are never held up by a slow load. Probes, loaders and the
clock are injected so tests script them.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from engine.errors import (
    HntaiError,
    InsufficientMemory,
    InvalidRequest,
    ModelChecksumMismatch,
    ModelLoadFailed,
    ModelNotFound,
)
from engine.models.backends.base import LoadedModel, Loader, LoadRequest
from engine.models.config import ModelsConfig, ModelSpec, load_config
from engine.models.footprint import estimate_bytes
from engine.models.memory import MemoryProbe, MemoryState, system_memory
from engine.models.registry import locate, verify
from engine.protocol import ModelStatus  # the status reply carries it as it is

log = logging.getLogger("hntai.models")
_RECOVERABLE = (ModelNotFound, ModelLoadFailed, ModelChecksumMismatch, InsufficientMemory)
Event = dict[str, Any]


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
        self._lock = threading.RLock()  # the slot table; held only briefly
        self._load_lock = threading.Lock()  # one load at a time: placement assumes it
        self._counts: Counter[str] = Counter()
        self._stop = threading.Event()
        self._monitor: threading.Thread | None = None

    @classmethod
    def from_config(cls, path: Path, model_dirs: Sequence[Path], **kwargs: Any
                    ) -> ModelManager:
        return cls(load_config(path), model_dirs, **kwargs)

    def reload_config(self, config: ModelsConfig) -> None:
        """Adopt a new model list (after an import). Loaded models stay until evicted or
        unloaded; later leases follow the new chains."""
        with self._lock:
            self.config = config

    # --- leasing ------------------------------------------------------------------

    @contextlib.contextmanager
    def lease(self, task: str, name: str | None = None) -> Iterator[LoadedModel]:
        """Hold a model for one job; it cannot be evicted until the block ends. ``name``
        is tried first, then the task's fallback chain."""
        errors: list[HntaiError] = []
        slot = None
        for candidate in self.config.chain(task, name):
            try:
                slot = self._acquire(candidate)
                break
            except _RECOVERABLE as exc:
                errors.append(exc)
                self._emit([self._record("fallback", candidate, reason=exc.code.value)])
        if slot is None:
            raise errors[-1] if errors else InsufficientMemory(
                "no model for this task could be loaded", {"task": task})
        try:
            yield slot.model
        finally:
            self._release(slot)

    def load(self, name: str) -> ModelStatus:
        """Load (or keep) one model by name, without holding it."""
        slot = self._acquire(name)
        self._release(slot)
        return self._status(slot)

    def unload(self, name: str, reason: str = "request") -> bool:
        with self._lock:
            slot = self._slots.get(name)
            if slot is None:
                return False
            if slot.leases:
                raise InvalidRequest("the model is in use by a running job", {"model": name})
            event = self._drop(slot, "unload", reason)
        self._emit([event])
        return True

    def _take(self, name: str) -> _Slot | None:
        slot = self._slots.get(name)
        if slot is not None:
            slot.leases += 1
            slot.last_used = self.clock()
        return slot

    def _release(self, slot: _Slot) -> None:
        with self._lock:
            slot.leases -= 1
            slot.last_used = self.clock()

    def _acquire(self, name: str) -> _Slot:
        spec = self.config.models[name]
        with self._lock:
            slot = self._take(name)
        if slot is not None:
            return slot
        with self._load_lock:
            with self._lock:
                slot = self._take(name)  # loaded by another job while this one waited
            if slot is not None:
                return slot
            path = None
            if spec.backend != "fallback":
                path = locate(spec, self.model_dirs)
                verify(spec, path)  # may hash gigabytes: outside the table lock
            need = self.estimate(spec, path)
            events: list[Event] = []
            try:
                with self._lock:
                    device = self._place(spec, need, events)
            finally:
                self._emit(events)
            started = self.clock()
            model = self._call_loader(spec, LoadRequest(spec.name, path, spec.context_window,
                                                        device, self.threads))
            with self._lock:
                slot = _Slot(spec, model, max(need, model.memory_bytes()), started,
                             self.clock(), leases=1)
                self._slots[spec.name] = slot
            self._emit([self._record("load", spec.name, device=model.device,
                                     seconds=round(self.clock() - started, 3),
                                     memory_bytes=slot.memory)])
            return slot

    def _call_loader(self, spec: ModelSpec, request: LoadRequest) -> LoadedModel:
        loader = self.loaders.get(spec.backend)
        if loader is None:
            raise ModelLoadFailed("no loader for this backend",
                                  {"model": spec.name, "backend": spec.backend})
        try:
            return loader(request)
        except HntaiError:
            raise
        except Exception as exc:  # a backend bug must not break the fallback chain
            log.exception("model_load_crashed", extra={"model": spec.name})
            raise ModelLoadFailed("the model could not be loaded",
                                  {"model": spec.name, "error": type(exc).__name__}) from None

    # --- placement ----------------------------------------------------------------

    def estimate(self, spec: ModelSpec, path: Path | None) -> int:
        if spec.memory_mb is not None:
            return spec.memory_mb * 1024 * 1024
        return estimate_bytes(path, spec.context_window) if path else 0

    def _place(self, spec: ModelSpec, need: int, events: list[Event]) -> str:
        """Make room and pick the device; raise InsufficientMemory when nothing fits."""
        policy = self.config.policy
        fraction = policy.max_memory_fraction
        while len(self._slots) >= policy.max_loaded_models:
            if not self._evict_one(f"model limit for {spec.name}", events):
                raise InsufficientMemory("every loaded model is in use", {"model": spec.name})
        if need == 0:
            return "cpu"
        wants_gpu = policy.device in ("auto", "cuda") and spec.backend != "fallback"
        while True:
            mem = self.probe()
            gpu_possible = (wants_gpu and mem.vram_total is not None
                            and need <= mem.vram_total * fraction)
            if gpu_possible and need <= (mem.vram_free or 0) * fraction:
                return "cuda"
            # The T4 is worth an idle GPU model's eviction before settling for the CPU.
            if gpu_possible and self._evict_one(f"GPU memory for {spec.name}", events, "cuda"):
                continue
            if policy.device != "cuda" and need <= mem.ram_free * fraction:
                return "cpu"
            if not self._evict_one(f"memory for {spec.name}", events):
                raise InsufficientMemory("the model does not fit in free memory",
                                         {"model": spec.name, "needed_bytes": need,
                                          "free_bytes": mem.ram_free,
                                          "free_vram_bytes": mem.vram_free})

    def _evict_one(self, reason: str, events: list[Event], device: str | None = None) -> bool:
        """Drop the least recently used idle model (on ``device`` when given)."""
        idle = [s for s in self._slots.values()
                if s.leases == 0 and device in (None, s.model.device)]
        if not idle:
            return False
        events.append(self._drop(min(idle, key=lambda s: s.last_used), "evict", reason))
        return True

    def _drop(self, slot: _Slot, action: str, reason: str) -> Event:
        del self._slots[slot.spec.name]
        slot.model.unload()
        return self._record(action, slot.spec.name, reason=reason, memory_bytes=slot.memory,
                            device=slot.model.device)

    # --- background pressure monitor -----------------------------------------------

    def check_pressure(self, state: MemoryState | None = None) -> None:
        """Evict idle models past their keep-alive, then idle ones (least recently used
        first) while RAM or VRAM use is above ``max_memory_fraction``."""
        fraction = self.config.policy.max_memory_fraction
        events: list[Event] = []
        try:
            with self._lock:
                now = self.clock()
                for slot in [s for s in self._slots.values() if s.leases == 0]:
                    if now - slot.last_used > self.config.policy.keep_alive_s:
                        events.append(self._drop(slot, "evict", "keep-alive expired"))
                state = state or self.probe()
                while 1 - state.ram_free / max(state.ram_total, 1) > fraction and \
                        self._evict_one("memory pressure", events):
                    state = self.probe()
                while state.vram_total and state.vram_free is not None and \
                        1 - state.vram_free / state.vram_total > fraction and \
                        self._evict_one("GPU memory pressure", events, "cuda"):
                    state = self.probe()
        finally:
            self._emit(events)

    def start_monitor(self, interval_s: float = 5.0) -> None:
        if self._monitor is not None:
            return

        def run() -> None:
            while not self._stop.wait(interval_s):
                try:
                    self.check_pressure()
                except Exception:  # the monitor must outlive a failed probe
                    log.exception("pressure_check_failed")

        self._stop.clear()
        self._monitor = threading.Thread(target=run, name="model-monitor", daemon=True)
        self._monitor.start()

    def close(self) -> None:
        self._stop.set()
        if self._monitor is not None:
            self._monitor.join(timeout=10)
            self._monitor = None
        with self._lock:
            events = [self._drop(s, "unload", "shutdown") for s in list(self._slots.values())]
        self._emit(events)

    # --- reporting ----------------------------------------------------------------

    def _status(self, slot: _Slot) -> ModelStatus:
        now = self.clock()
        return ModelStatus(slot.spec.name, slot.spec.task, slot.spec.backend, slot.model.device,
                           slot.memory, slot.leases, round(now - slot.last_used, 1),
                           round(now - slot.loaded_at, 1))

    def status(self) -> list[ModelStatus]:
        with self._lock:
            return [self._status(s) for s in self._slots.values()]

    def metrics_text(self) -> str:
        """Prometheus text exposition of loaded models, free memory and event totals."""
        rows = self.status()
        mem = self.probe()
        with self._lock:
            counts = dict(self._counts)

        def family(name: str, kind: str, help_text: str, samples: list[str]) -> list[str]:
            return [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}", *samples]

        lines = family("hntai_model_loaded", "gauge", "1 while a model is loaded",
                       [f'hntai_model_loaded{{model="{s.name}",device="{s.device}"}} 1'
                        for s in rows])
        lines += family("hntai_model_memory_bytes", "gauge",
                        "estimated memory held by a loaded model",
                        [f'hntai_model_memory_bytes{{model="{s.name}"}} {s.memory_bytes}'
                         for s in rows])
        lines += family("hntai_model_leases", "gauge", "jobs holding a model",
                        [f'hntai_model_leases{{model="{s.name}"}} {s.leases}' for s in rows])
        free = [f'hntai_memory_free_bytes{{kind="ram"}} {mem.ram_free}']
        if mem.vram_free is not None:
            free.append(f'hntai_memory_free_bytes{{kind="vram"}} {mem.vram_free}')
        lines += family("hntai_memory_free_bytes", "gauge", "free memory seen by the manager",
                        free)
        lines += family("hntai_model_events_total", "counter",
                        "model loads, unloads, evictions and fallbacks",
                        [f'hntai_model_events_total{{action="{a}"}} {n}'
                         for a, n in sorted(counts.items())])
        return "\n".join(lines) + "\n"

    def _record(self, action: str, model: str, **fields: Any) -> Event:
        with self._lock:
            self._counts[action] += 1
        return {"action": action, "model": model, **fields}

    def _emit(self, events: list[Event]) -> None:
        """Log and report events after the table lock is released: the callback writes
        audit rows and must not run while loads and leases wait on the lock."""
        for event in events:
            log.info(f"model_{event['action']}",
                     extra={k: v for k, v in event.items() if k != "action"})
            if self.on_event is not None:
                self.on_event(event)
