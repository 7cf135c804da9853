"""Start-up: the first-run wizard when no store exists, else the main window with its login.
The engine is started off the GUI thread; the window appears at once and says when it is
ready."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from pathlib import Path

from desktop import theme
from desktop.engine_link import EngineLink
from desktop.first_run import FirstRunWizard
from desktop.main_window import MainWindow
from desktop.qt import QtCore, QtWidgets
from engine import __version__
from engine.paths import STORE_FILE, default_data_dir
from engine.protocol import Role, UserInfo

ORGANISATION, APPLICATION = "HNTAI", "HNTAI Desktop"


def store_exists(data_dir: Path) -> bool:
    """Only the file's presence: the desktop never opens the store itself."""
    return (data_dir / STORE_FILE).exists()


class Desktop:
    """Owns the engine link and the top-level windows for the life of the application."""

    def __init__(self, app: QtWidgets.QApplication, data_dir: Path | None,
                 settings: QtCore.QSettings | None = None) -> None:
        self.app = app
        self.settings = settings or QtCore.QSettings(ORGANISATION, APPLICATION)
        remembered = self.settings.value("data_dir")
        self.data_dir = data_dir or (Path(remembered) if remembered else default_data_dir())
        self.link: EngineLink | None = None
        self.window: MainWindow | None = None
        self.wizard: FirstRunWizard | None = None
        app.aboutToQuit.connect(self.shutdown)

    def start(self) -> None:
        if store_exists(self.data_dir):
            self._open_window(self._start_engine(self.data_dir))
            return
        self.wizard = FirstRunWizard(self.data_dir, self._start_engine)
        self.wizard.accepted.connect(self._wizard_done)
        self.wizard.rejected.connect(self.app.quit)
        self.wizard.show()

    def _start_engine(self, data_dir: Path) -> EngineLink:
        if self.link is not None and self.link.data_dir != data_dir:
            self.link.stop()  # the wizard's location changed after a failed attempt
            self.link = None
        if self.link is None:
            self.link = EngineLink(data_dir)
            self.link.start()
        return self.link

    def _wizard_done(self) -> None:
        wizard = self.wizard
        assert wizard is not None and wizard.link is not None
        self.data_dir = wizard.data_dir
        if self.data_dir != default_data_dir():
            self.settings.setValue("data_dir", str(self.data_dir))
        admin = wizard.admin_name
        wizard.forget_key()
        self._open_window(wizard.link)
        assert self.window is not None
        self.window.login.set_engine_ready(True)
        self.window.status.set_engine("Engine ready", True)
        self.window.enter_workspace(UserInfo(admin, Role.ADMIN, False))

    def _open_window(self, link: EngineLink) -> None:
        self.window = MainWindow(link, self.settings)
        self.window.show()

    def shutdown(self) -> None:
        if self.link is not None:
            self.link.stop()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="hntai-desktop", description="HNTAI desktop")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="where the encrypted store lives (default: HNTAI_DATA_DIR or the "
                             "platform's data folder)")
    parser.add_argument("--screenshots", type=Path, metavar="DIR",
                        help="render every main view offscreen against a throwaway store "
                             "and write PNGs to DIR, then exit")
    parser.add_argument("--samples", type=Path, default=None,
                        help="documents for --screenshots (default: ../shared/eval samples "
                             "when present, else resources/samples)")
    parser.add_argument("--version", action="version", version=f"hntai-desktop {__version__}")
    return parser.parse_args(argv)


def run(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    if args.screenshots is not None:
        from desktop.screenshots import render_all

        return render_all(args.screenshots, args.samples)
    QtCore.QCoreApplication.setOrganizationName(ORGANISATION)
    QtCore.QCoreApplication.setApplicationName(APPLICATION)
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    theme.apply(app)
    desktop = Desktop(app, args.data_dir.expanduser() if args.data_dir else None)
    desktop.start()
    return app.exec()
