"""The engine's status: store, jobs, memory, models, the device models would go on."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from engine import protocol as p
from engine.status import collect_status
from engine.store import store_exists

if TYPE_CHECKING:
    from engine.service import EngineService


def status(engine: EngineService, _req: p.GetStatus) -> p.EngineStatus:
    models = engine.models
    found = collect_status(engine.store, tuple(models.status()), models.metrics_text())
    probe = models.probe()  # the device the manager would place models on
    memory = replace(found.memory, device="cuda" if probe.vram_total else "cpu",
                     vram_total_bytes=probe.vram_total, vram_free_bytes=probe.vram_free)
    return replace(found, memory=memory, initialized=store_exists(engine.data_dir))


HANDLERS = {p.GetStatus: status}
