"""Eviction, leases, placement and fallback, against a scripted memory probe.

The loaders here are fakes (named so): they stand in for weights so that memory arithmetic
can be scripted. The real GGUF path is exercised in test_gguf.py.
"""

from __future__ import annotations

import pytest

from engine.errors import InsufficientMemory, InvalidRequest
from engine.models import ModelManager, parse_config
from engine.models.memory import MemoryState

GB = 1024**3


class FakeModel:
    def __init__(self, request) -> None:
        self.name = request.name
        self.device = request.device
        self.context_window = request.context_window
        self.unloaded = False

    def count_tokens(self, text):
        return len(text.split())

    def generate(self, system, prompt, settings):
        yield "ok"

    def memory_bytes(self):
        return 0

    def unload(self):
        self.unloaded = True


class ScriptedProbe:
    def __init__(self, ram_free=16 * GB, vram_free=None) -> None:
        self.ram_free, self.vram_free = ram_free, vram_free

    def __call__(self) -> MemoryState:
        return MemoryState(self.ram_free, 24 * GB, self.vram_free,
                           16 * GB if self.vram_free is not None else None)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def config(max_loaded=2, device="auto", keep_alive=600, sizes=(2, 2, 2)):
    models = [{"name": f"m{i}", "task": "summary", "backend": "gguf", "path": f"m{i}.bin",
               "memory_mb": size * 1024} for i, size in enumerate(sizes)]
    models.append({"name": "extractive", "task": "summary", "backend": "fallback",
                   "memory_mb": 0})
    raw = {"policy": {"max_loaded_models": max_loaded, "device": device,
                      "keep_alive_s": keep_alive},
           "fallback_chains": {"summary": [m["name"] for m in models]}, "models": models}
    return parse_config(raw)


@pytest.fixture
def model_dir(tmp_path):
    for i in range(3):
        (tmp_path / f"m{i}.bin").write_bytes(b"weights")
    return tmp_path


def manager(model_dir, events=None, **kw):
    probe = kw.pop("probe", ScriptedProbe())
    clock = kw.pop("clock", Clock())
    from engine.models.backends.fallback import load_fallback

    return ModelManager(config(**kw), [model_dir], probe=probe, clock=clock,
                        loaders={"gguf": FakeModel, "fallback": load_fallback},
                        on_event=(events.append if events is not None else None))


def test_second_model_evicts_first_at_limit_one(model_dir):
    events = []
    mm = manager(model_dir, events, max_loaded=1)
    mm.load("m0")
    mm.load("m1")
    assert [s.name for s in mm.status()] == ["m1"]
    assert [(e["action"], e["model"]) for e in events] == [
        ("load", "m0"), ("evict", "m0"), ("load", "m1")]


def test_leased_model_is_never_evicted(model_dir):
    mm = manager(model_dir, max_loaded=1)
    with mm.lease("summary", "m0"):
        with pytest.raises(InsufficientMemory):
            mm.load("m1")
        with pytest.raises(InvalidRequest):
            mm.unload("m0")
        assert [s.name for s in mm.status()] == ["m0"]
    mm.load("m1")  # once released it can go
    assert [s.name for s in mm.status()] == ["m1"]


def test_least_recently_used_goes_first(model_dir):
    clock = Clock()
    mm = manager(model_dir, max_loaded=2, clock=clock)
    mm.load("m0")
    clock.now += 10
    mm.load("m1")
    clock.now += 10
    with mm.lease("summary", "m0"):
        pass  # m0 used last
    clock.now += 10
    mm.load("m2")
    assert sorted(s.name for s in mm.status()) == ["m0", "m2"]


def test_evicts_until_it_fits_in_ram(model_dir):
    probe = ScriptedProbe(ram_free=3 * GB)
    mm = manager(model_dir, max_loaded=3, probe=probe)
    mm.load("m0")  # 2 GB needs 2.5 GB free at 0.8
    probe.ram_free = 1 * GB
    with pytest.raises(InsufficientMemory):
        mm.load("m1")  # m0 is evicted to make room, and still m1 does not fit
    assert mm.status() == []


def test_gpu_preferred_then_cpu(model_dir):
    mm = manager(model_dir, probe=ScriptedProbe(vram_free=15 * GB))
    assert mm.load("m0").device == "cuda"
    cpu_only = manager(model_dir, probe=ScriptedProbe(vram_free=1 * GB))
    assert cpu_only.load("m0").device == "cpu"
    forced = manager(model_dir, device="cpu", probe=ScriptedProbe(vram_free=15 * GB))
    assert forced.load("m0").device == "cpu"


def test_chain_falls_back_when_nothing_fits(model_dir):
    events = []
    mm = manager(model_dir, events, probe=ScriptedProbe(ram_free=GB // 2))
    with mm.lease("summary") as model:
        assert model.name == "extractive"
    assert [e["reason"] for e in events if e["action"] == "fallback"] == [
        "INSUFFICIENT_MEMORY"] * 3


def test_keep_alive_and_pressure_monitor(model_dir):
    clock = Clock()
    probe = ScriptedProbe()
    mm = manager(model_dir, clock=clock, probe=probe, keep_alive=60, max_loaded=3)
    mm.load("m0")
    mm.load("m1")
    clock.now += 61
    with mm.lease("summary", "m1"):
        mm.check_pressure()
        assert [s.name for s in mm.status()] == ["m1"]  # m0 expired; m1 is leased
        probe.ram_free = 1 * GB  # pressure: 96% used
        mm.check_pressure()
        assert [s.name for s in mm.status()] == ["m1"]
    mm.check_pressure()
    assert mm.status() == []


def test_metrics_text(model_dir):
    mm = manager(model_dir)
    mm.load("m0")
    text = mm.metrics_text()
    assert 'hntai_model_loaded{model="m0",device="cpu"} 1' in text
    assert "# TYPE hntai_model_memory_bytes gauge" in text


def test_system_probe_reports_cpu_only_here():
    from engine.models.memory import system_memory

    state = system_memory()
    assert 0 < state.ram_free <= state.ram_total
    assert state.vram_free is None  # no GPU on this machine or CI


def test_idle_gpu_model_is_evicted_for_the_gpu_before_settling_for_cpu(model_dir):
    probe = ScriptedProbe(vram_free=3 * GB)
    events = []
    mm = manager(model_dir, events, max_loaded=3, probe=probe)
    assert mm.load("m0").device == "cuda"
    probe.vram_free = 1 * GB  # m0 holds the T4 now
    evicted_gpu = []

    def unload_frees_vram(model=mm._slots["m0"].model, original=FakeModel.unload):
        evicted_gpu.append(model.name)
        probe.vram_free = 3 * GB
        original(model)

    mm._slots["m0"].model.unload = unload_frees_vram
    assert mm.load("m1").device == "cuda"
    assert evicted_gpu == ["m0"]
    assert [e["reason"] for e in events if e["action"] == "evict"] == ["GPU memory for m1"]


def test_gpu_memory_pressure_evicts_idle_gpu_models_only(model_dir):
    probe = ScriptedProbe(vram_free=15 * GB)
    mm = manager(model_dir, max_loaded=3, probe=probe, device="auto")
    mm.load("m0")  # cuda
    probe.vram_free = None  # pretend the GPU filled up: the CPU model goes there
    mm.load("m1")
    probe.vram_free = 1 * GB  # 94% of 16 GB used
    mm.check_pressure()
    assert [s.name for s in mm.status()] == ["m1"]


class CrashingLoader:
    """A fake backend with a bug: raises something that is no engine error."""

    def __call__(self, request):
        raise KeyError("tensor")


def test_a_crashing_backend_is_a_load_failure_and_the_chain_goes_on(model_dir):
    from engine.models.backends.fallback import load_fallback

    events = []
    mm = ModelManager(config(sizes=(1,)), [model_dir], probe=ScriptedProbe(), clock=Clock(),
                      loaders={"gguf": CrashingLoader(), "fallback": load_fallback},
                      on_event=events.append)
    with mm.lease("summary") as model:
        assert model.name == "extractive"
    assert [e["reason"] for e in events if e["action"] == "fallback"] == ["MODEL_LOAD_FAILED"]
    assert 'hntai_model_events_total{action="fallback"} 1' in mm.metrics_text()


def test_status_answers_while_a_slow_model_loads(model_dir):
    """Loads run outside the table lock: status and leases of loaded models do not wait."""
    import threading

    from engine.models.backends.fallback import load_fallback

    entered, release = threading.Event(), threading.Event()

    def slow_fake_loader(request):
        entered.set()
        release.wait()
        return FakeModel(request)

    mm = ModelManager(config(), [model_dir], probe=ScriptedProbe(), clock=Clock(),
                      loaders={"gguf": slow_fake_loader, "fallback": load_fallback})
    mm.load("extractive")
    loading = threading.Thread(target=mm.load, args=("m0",))
    loading.start()
    entered.wait()
    answered: list = []
    asking = threading.Thread(target=lambda: answered.append(
        ([s.name for s in mm.status()], mm.load("extractive").leases)))
    asking.start()
    asking.join(timeout=30)
    release.set()
    loading.join()
    assert answered == [(["extractive"], 0)]  # answered while m0 was still loading
    assert sorted(s.name for s in mm.status()) == ["extractive", "m0"]


def test_monitor_thread_starts_once_and_stops(model_dir):
    mm = manager(model_dir)
    mm.start_monitor(interval_s=0.01)
    first = mm._monitor
    mm.start_monitor(interval_s=0.01)
    assert mm._monitor is first and first.is_alive()
    mm.close()
    assert not first.is_alive()
