"""GUI fixtures: a real engine process behind a real EngineLink, windows offscreen."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from desktop.engine_link import EngineLink
from desktop.qt import QtCore
from engine import protocol as p

ADMIN = "admin"
PASSWORD = "gui test pass 1"
ENGINE_START_MS = 120_000


class Caller:
    """Runs one engine request through the link and waits for it, events still flowing."""

    def __init__(self, link: EngineLink, qtbot) -> None:
        self.link = link
        self.qtbot = qtbot

    def __call__(self, request: p.Request, timeout_ms: int = 60_000) -> Any:
        outcome: dict[str, Any] = {}
        self.link.call(request).success(lambda v: outcome.setdefault("value", v)) \
            .failure(lambda e: outcome.setdefault("error", e)).run()
        self.qtbot.waitUntil(lambda: bool(outcome), timeout=timeout_ms)
        if "error" in outcome:
            raise AssertionError(f"{type(request).__name__} failed: {outcome['error']}")
        return outcome["value"]

    def error(self, request: p.Request, timeout_ms: int = 60_000) -> p.ErrorInfo:
        outcome: dict[str, Any] = {}
        self.link.call(request).success(lambda v: outcome.setdefault("value", v)) \
            .failure(lambda e: outcome.setdefault("error", e)).run()
        self.qtbot.waitUntil(lambda: bool(outcome), timeout=timeout_ms)
        assert "error" in outcome, f"{type(request).__name__} unexpectedly succeeded"
        return outcome["error"]


@pytest.fixture
def started_link(qtbot, tmp_path: Path):
    """A link whose engine runs on a fresh data dir with no store yet."""
    link = EngineLink(tmp_path / "data")
    with qtbot.waitSignal(link.started, timeout=ENGINE_START_MS):
        link.start()
    yield link
    link.stop()


@pytest.fixture
def call(started_link: EngineLink, qtbot) -> Caller:
    return Caller(started_link, qtbot)


@pytest.fixture
def link(started_link: EngineLink, call: Caller) -> EngineLink:
    """The engine with a store whose admin is ADMIN / PASSWORD (signed in)."""
    call(p.InitStore(admin=ADMIN, password=PASSWORD))
    return started_link


@pytest.fixture
def settings(tmp_path: Path) -> QtCore.QSettings:
    """Window state goes to a file of the test, not the user's real settings."""
    return QtCore.QSettings(str(tmp_path / "desktop.ini"), QtCore.QSettings.Format.IniFormat)


@pytest.fixture
def make_window(link: EngineLink, settings, qtbot) -> Callable[..., Any]:
    from desktop.main_window import MainWindow

    windows = []

    def make(**kwargs):
        # Not qtbot.addWidget: its teardown calls close(), whose "jobs still running,
        # quit?" question would wait for a click; close_quietly below skips it.
        window = MainWindow(link, settings, **kwargs)
        window.show()
        window._engine_started()  # the link was started before the window existed
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close_quietly()


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def sign_in(qtbot) -> Callable[..., None]:
    """Sign a window in through its login panel, as a person would."""

    def sign(window, username: str = ADMIN, password: str = PASSWORD) -> None:
        window.login.username.setText(username)
        window.login.password.setText(password)
        window.login.submit()
        qtbot.waitUntil(lambda: window.user is not None and window.pages.currentIndex() == 1,
                        timeout=30_000)

    return sign
