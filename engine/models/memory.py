"""Free memory on this machine: RAM via psutil, VRAM via NVML (or torch, when it is already
loaded) when a GPU is present."""

from __future__ import annotations

import functools
import sys
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


def _torch_vram() -> tuple[int, int] | None:
    """torch's view of the GPU, only when torch is already loaded (never import it here)."""
    torch = sys.modules.get("torch")
    if torch is None or not torch.cuda.is_available():
        return None
    free, total = torch.cuda.mem_get_info()
    return int(free), int(total)


def system_memory() -> MemoryState:
    vm = psutil.virtual_memory()
    vram: tuple[int, int] | None = None
    nvml = _nvml()
    try:
        if nvml is not None:
            info = nvml.nvmlDeviceGetMemoryInfo(nvml.nvmlDeviceGetHandleByIndex(0))
            vram = int(info.free), int(info.total)
        else:
            vram = _torch_vram()
    except Exception:  # driver went away: treat as CPU only
        vram = None
    return MemoryState(vm.available, vm.total, *(vram or (None, None)))
