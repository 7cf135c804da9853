"""Every Qt import of the desktop goes through here, so that the binding and the optional
multimedia module are chosen in one place."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtPrintSupport, QtWidgets
from PySide6.QtCore import Qt, Signal, Slot

try:  # QtMultimedia ships in pyside6-addons; without it dictation has no microphone
    from PySide6 import QtMultimedia
except ImportError:  # pragma: no cover - depends on the installed wheels
    QtMultimedia = None

__all__ = ["Qt", "QtCore", "QtGui", "QtMultimedia", "QtPrintSupport", "QtWidgets", "Signal",
           "Slot"]
