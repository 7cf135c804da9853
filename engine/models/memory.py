"""Free memory on this machine: RAM via psutil, VRAM via NVML when a GPU is present."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Protocol

import psutil


@dataclass(frozen=True)
class MemoryState:
    ram_free: int
    ram_total: int
    vram_free: int | None  # None: no usable GPU
    vram_total: int | None


class MemoryProbe(Protocol):
    def __call__(self) -> MemoryState: ...


@functools.cache
def _nvml():
    try:
        import pynvml  # optional: only on GPU workstations

        pynvml.nvmlInit()
        return pynvml
    except Exception:  # no library or no driver: a CPU-only machine
        return None


def system_memory() -> MemoryState:
    vm = psutil.virtual_memory()
    vram_free = vram_total = None
    nvml = _nvml()
    if nvml is not None:
        try:
            info = nvml.nvmlDeviceGetMemoryInfo(nvml.nvmlDeviceGetHandleByIndex(0))
            vram_free, vram_total = int(info.free), int(info.total)
        except Exception:  # driver went away: treat as CPU only
            vram_free = vram_total = None
    return MemoryState(vm.available, vm.total, vram_free, vram_total)
