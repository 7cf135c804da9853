"""Watches the GUI thread: a timer that should fire every few milliseconds measures how late
it is. A stall longer than ``warn_ms`` is logged (the engine call that caused it is a bug).

Each tick also notes how much CPU time the GUI thread itself used since the last one: a
late tick with little of it was a thread waiting for a core (a busy machine), one with
much of it was work on the GUI thread (a bug)."""

from __future__ import annotations

import logging
import time

from desktop.qt import QtCore

log = logging.getLogger("hntai.desktop.stall")


class StallMonitor(QtCore.QObject):
    def __init__(self, interval_ms: int = 10, warn_ms: float = 200.0,
                 parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.interval_ms = interval_ms
        self.warn_ms = warn_ms
        self.late_ms: list[float] = []  # how late each tick was
        self.cpu_ms: list[float] = []  # the GUI thread's CPU time between ticks
        self._last = 0.0
        self._last_cpu = 0.0
        self._timer = QtCore.QTimer(self)
        self._timer.setTimerType(QtCore.Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    @property
    def samples(self) -> int:
        return len(self.late_ms)

    @property
    def longest_ms(self) -> float:
        return max(self.late_ms, default=0.0)

    @property
    def longest_cpu_ms(self) -> float:
        """The GUI thread's CPU time during the longest stall."""
        if not self.late_ms:
            return 0.0
        return self.cpu_ms[self.late_ms.index(self.longest_ms)]

    def start(self) -> None:
        self.late_ms, self.cpu_ms = [], []
        self._last = time.perf_counter()
        self._last_cpu = time.thread_time()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        late_ms = max(0.0, (now - self._last) * 1000 - self.interval_ms)
        cpu_ms = (cpu - self._last_cpu) * 1000
        self._last, self._last_cpu = now, cpu
        self.late_ms.append(late_ms)
        self.cpu_ms.append(cpu_ms)
        if late_ms > self.warn_ms:
            log.warning("gui_thread_stalled", extra={"ms": round(late_ms),
                                                     "gui_cpu_ms": round(cpu_ms)})
