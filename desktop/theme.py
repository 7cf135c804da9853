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


# Hint text (subtitles, placeholders, set-aside rows): at least 4.5:1 (WCAG AA) against
# both the window and the field backgrounds of its scheme (tests/gui/test_theme.py).
HINT = {False: "#595959", True: "#a6a6a6"}
_DARK_ROLES = (("Window", "#2b2d30"), ("WindowText", "#e6e6e6"), ("Base", "#1f2023"),
               ("AlternateBase", "#2b2d30"), ("Text", "#e6e6e6"), ("Button", "#36383c"),
               ("ButtonText", "#e6e6e6"), ("Highlight", "#3d7ab8"),
               ("HighlightedText", "#ffffff"), ("ToolTipBase", "#36383c"),
               ("ToolTipText", "#e6e6e6"))


def scheme_palette(style: QtWidgets.QStyle, dark: bool) -> QtGui.QPalette:
    """Fusion's own palette (light) or ours (dark), with the hint colour for placeholders."""
    palette = QtGui.QPalette() if dark else style.standardPalette()
    roles = QtGui.QPalette.ColorRole
    for role, colour in _DARK_ROLES if dark else ():
        palette.setColor(getattr(roles, role), QtGui.QColor(colour))
    palette.setColor(roles.PlaceholderText, QtGui.QColor(HINT[dark]))
    return palette


def hint_colour(widget: QtWidgets.QWidget) -> QtGui.QColor:
    """The hint colour of the scheme the widget is drawn in."""
    return QtGui.QColor(widget.palette().color(QtGui.QPalette.ColorRole.PlaceholderText))


def set_role(widget: QtWidgets.QWidget, role: str) -> None:
    """Change a widget's style role ("error", "subtitle", …) and redraw it in that role's
    colours: a stylesheet reads a dynamic property again only when the widget is
    re-polished, so a bare setProperty leaves the old colour (red on "Starting…")."""
    widget.setProperty("role", role)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def apply(app: QtWidgets.QApplication) -> None:
    """Fusion everywhere (the same on every OS), the palette following the OS scheme."""
    app.setStyle("Fusion")
    dark = is_dark(app)
    app.setPalette(scheme_palette(app.style(), dark))
    app.setWindowIcon(icon("hntai"))
    qss = (resources_dir() / "styles" / "app.qss").read_text("utf-8")
    app.setStyleSheet(qss.replace("@hint", HINT[dark]))
