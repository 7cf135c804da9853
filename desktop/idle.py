"""The idle lock: any keyboard or mouse input restarts the countdown."""

from __future__ import annotations

from desktop.qt import QtCore, Signal

_INPUT = frozenset({
    QtCore.QEvent.Type.KeyPress, QtCore.QEvent.Type.MouseButtonPress,
    QtCore.QEvent.Type.MouseMove, QtCore.QEvent.Type.Wheel, QtCore.QEvent.Type.TouchBegin,
})


class IdleWatcher(QtCore.QObject):
    """An application-wide event filter; ``idle`` fires after ``minutes`` without input."""

    idle = Signal()

    def __init__(self, minutes: float, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QtCore.QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.idle)
        self.set_minutes(minutes)

    def set_minutes(self, minutes: float) -> None:
        self._timer.setInterval(max(1, int(minutes * 60_000)))

    def arm(self) -> None:
        self._timer.start()

    def disarm(self) -> None:
        self._timer.stop()

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if event.type() in _INPUT and self._timer.isActive():
            self._timer.start()  # restart the countdown
        return False
