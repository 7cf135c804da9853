"""The engine gives way to the person at the window.

On a workstation with a handful of cores, a heavy job (OCR, a 400-page PDF, a summary)
can keep every core busy; the desktop's window then runs late. The engine process runs at
a lower scheduling priority than its front end (``nice`` 10 on POSIX, below-normal on
Windows), so the window is served first whenever both want a core, and the engine still
gets every cycle the window leaves. With a window to share with and four cores or fewer,
the models' worker threads also leave one core free (``model_threads``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys

import psutil

log = logging.getLogger("hntai.cpu")

NICE = 10  # POSIX: the customary step for background work (the `nice` command's default)
SMALL_MACHINE = 4  # cores
_BELOW_NORMAL_PRIORITY_CLASS = 0x00004000


def yield_cpu() -> None:
    """Lower this process's priority (children inherit it). Best effort: a process may be
    refused, and the engine runs either way."""
    try:
        if sys.platform == "win32":
            import ctypes
            from ctypes import wintypes

            kernel32 = ctypes.windll.kernel32
            # declared, or the pseudo-handle -1 is passed as a 32-bit int on 64-bit Windows
            kernel32.GetCurrentProcess.restype = wintypes.HANDLE
            kernel32.SetPriorityClass.argtypes = (wintypes.HANDLE, wintypes.DWORD)
            kernel32.SetPriorityClass.restype = wintypes.BOOL
            if not kernel32.SetPriorityClass(kernel32.GetCurrentProcess(),
                                             _BELOW_NORMAL_PRIORITY_CLASS):
                log.info("priority_unchanged")
        else:
            os.nice(NICE)
    except OSError:
        log.info("priority_unchanged")


def model_threads(leave_a_core: bool) -> int:
    """Threads for a model's compute (llama.cpp, CTranslate2, torch): one per physical core,
    less the core left to a window on a machine with ``SMALL_MACHINE`` cores or fewer."""
    cores = psutil.cpu_count(logical=False) or os.cpu_count() or 1
    logical = os.cpu_count() or cores
    with contextlib.suppress(AttributeError):  # not on macOS: the whole machine then
        logical = len(os.sched_getaffinity(0))
        cores = min(cores, logical)
    if leave_a_core and logical <= SMALL_MACHINE:
        return max(1, cores - 1)
    return cores
