"""Look and feel: the OS light/dark scheme, the stylesheet and the icons from ``resources/``."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

from desktop.qt import Qt, QtGui, QtWidgets


def resources_dir() -> Path:
    """``resources/`` beside the package, or inside a frozen (PyInstaller) bundle."""
    frozen = getattr(sys, "_MEIPASS", None)
    root = Path(frozen) if frozen else Path(__file__).resolve().parents[1]
    return root / "resources"


@functools.cache
def icon(name: str) -> QtGui.QIcon:
    """An SVG icon: sharp at any device-pixel ratio."""
    return QtGui.QIcon(str(resources_dir() / "icons" / f"{name}.svg"))


def is_dark(app: QtWidgets.QApplication) -> bool:
    scheme = app.styleHints().colorScheme()
    if scheme == Qt.ColorScheme.Unknown:  # no desktop preference: judge by the window colour
        return app.palette().color(QtGui.QPalette.ColorRole.Window).lightness() < 128
    return scheme == Qt.ColorScheme.Dark


# PHI types as the engine names them, with a light and a dark background for each.
# Identifier-like types share one colour: what matters on screen is "a number was removed".
_ID = ("#bdb2ff", "#3f3573")
_PHONE = ("#ffc6ff", "#6a2a6a")
PHI_COLOURS: dict[str, tuple[str, str]] = {
    "NAME": ("#ffd6a5", "#7a4a12"), "DATE": ("#caffbf", "#2e5e27"),
    "LOCATION": ("#9bf6ff", "#1d5660"), "AGE": ("#fdffb6", "#5e5e1e"),
    "ORGANIZATION": ("#ffadad", "#6e2a2a"), "URL": ("#a0c4ff", "#2a3f6e"),
    "EMAIL": ("#a0c4ff", "#2a3f6e"), "IP": ("#a0c4ff", "#2a3f6e"),
    "PHONE": _PHONE, "FAX": _PHONE,
    **{t: _ID for t in ("SSN", "MRN", "HEALTH_PLAN", "ACCOUNT", "LICENSE", "VEHICLE",
                        "DEVICE", "BIOMETRIC", "PHOTO", "ID")},
}
_OTHER = ("#e0e0e0", "#505050")


def phi_colour(phi_type: str, dark: bool) -> QtGui.QColor:
    light_bg, dark_bg = PHI_COLOURS.get(phi_type, _OTHER)
    return QtGui.QColor(dark_bg if dark else light_bg)


def apply(app: QtWidgets.QApplication) -> None:
    """Fusion everywhere (the same on every OS), the palette following the OS scheme."""
    app.setStyle("Fusion")
    if is_dark(app):
        palette = QtGui.QPalette()
        roles = QtGui.QPalette.ColorRole
        for role, colour in ((roles.Window, "#2b2d30"), (roles.WindowText, "#e6e6e6"),
                             (roles.Base, "#1f2023"), (roles.AlternateBase, "#2b2d30"),
                             (roles.Text, "#e6e6e6"), (roles.Button, "#36383c"),
                             (roles.ButtonText, "#e6e6e6"), (roles.Highlight, "#3d7ab8"),
                             (roles.HighlightedText, "#ffffff"), (roles.ToolTipBase, "#36383c"),
                             (roles.ToolTipText, "#e6e6e6"), (roles.PlaceholderText, "#8a8a8a")):
            palette.setColor(role, QtGui.QColor(colour))
        app.setPalette(palette)
    app.setWindowIcon(icon("hntai"))
    app.setStyleSheet((resources_dir() / "styles" / "app.qss").read_text("utf-8"))
