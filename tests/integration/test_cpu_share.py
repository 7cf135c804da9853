"""The engine gives way to its front end: a lower scheduling priority, and on a small
machine with a window to share, one core left free of model threads."""

from __future__ import annotations

import os
import sys

import psutil
import pytest

from engine import cpu_share
from engine.client import EngineClient


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX nice values")
def test_the_engine_process_runs_at_a_lower_priority_than_its_client(tmp_path):
    with EngineClient(tmp_path / "data") as engine:
        engine_nice = psutil.Process(engine.pid).nice()
    assert engine_nice == min(19, os.nice(0) + cpu_share.NICE)


@pytest.mark.parametrize(("cores", "leave", "expected"),
                         [(2, True, 1), (2, False, 2), (4, True, 3), (8, True, 8), (1, True, 1)])
def test_model_threads_leave_a_core_only_to_a_window_on_a_small_machine(
        monkeypatch, cores, leave, expected):
    # the machine's size is what varies here; this one has two cores
    monkeypatch.setattr(cpu_share.psutil, "cpu_count", lambda logical=True: cores)
    monkeypatch.setattr(cpu_share.os, "cpu_count", lambda: cores)
    monkeypatch.setattr(cpu_share.os, "sched_getaffinity", lambda _pid: set(range(cores)),
                        raising=False)
    assert cpu_share.model_threads(leave_a_core=leave) == expected
