"""Render the application icon (resources/icons/hntai.svg) for the installers:
build/icons/hntai.png (256 px, Linux menus) and build/icons/hntai.ico (Windows).

Qt's own SVG renderer draws it, so no other image tool is needed on the build machine."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "icons" / "hntai.svg"
OUT = ROOT / "build" / "icons"


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])  # Qt draws only with an app
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {SVG}")
    image = QImage(256, 256, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    OUT.mkdir(parents=True, exist_ok=True)
    png = OUT / "hntai.png"
    if not image.save(str(png)):
        raise SystemExit(f"cannot write {png}")
    Image.open(png).save(OUT / "hntai.ico", sizes=[(16, 16), (32, 32), (48, 48), (256, 256)])
    print(f"icons in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
