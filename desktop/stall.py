"""Watches the GUI thread: a timer that should fire every few milliseconds measures how late
it is. A stall longer than ``warn_ms`` is logged (the engine call that caused it is a bug)."""

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
        self.longest_ms = 0.0
        self.samples = 0
        self._last = 0.0
        self._timer = QtCore.QTimer(self)
        self._timer.setTimerType(QtCore.Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.longest_ms, self.samples = 0.0, 0
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        late_ms = (now - self._last) * 1000 - self.interval_ms
        self._last = now
        self.samples += 1
        self.longest_ms = max(self.longest_ms, late_ms)
        if late_ms > self.warn_ms:
            log.warning("gui_thread_stalled", extra={"ms": round(late_ms)})
