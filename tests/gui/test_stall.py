"""The stall monitor tells work on the GUI thread from waiting for a core. Both stalls are
made by the clock they are measured with, so the outcome does not depend on the machine."""

from __future__ import annotations

import time

from desktop.qt import QtCore
from desktop.stall import StallMonitor


def _stall_once(qtbot, block) -> StallMonitor:
    monitor = StallMonitor(interval_ms=10)
    monitor.start()
    QtCore.QTimer.singleShot(30, block)
    qtbot.wait(300)  # the event loop runs; the block holds it once
    monitor.stop()
    return monitor


def test_work_on_the_gui_thread_shows_as_its_cpu_time(qtbot):
    def work() -> None:  # 0.2 s of this thread's CPU time, however slow the machine
        until = time.thread_time() + 0.2
        while time.thread_time() < until:
            pass

    monitor = _stall_once(qtbot, work)
    busiest = max(range(monitor.samples), key=monitor.cpu_ms.__getitem__)
    assert monitor.cpu_ms[busiest] >= 200
    assert monitor.late_ms[busiest] >= 190  # a thread's CPU time never exceeds the wall time


def test_a_thread_that_waits_uses_no_cpu_while_it_stalls(qtbot):
    monitor = _stall_once(qtbot, lambda: time.sleep(0.2))
    assert monitor.longest_ms >= 190
    assert max(monitor.cpu_ms) < 50  # sleeping costs no CPU time, loaded machine or not
    assert monitor.longest_cpu_ms < 50
