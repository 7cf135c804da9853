"""A second HNTAI window on a data folder already open: it says so and starts no engine of
its own, while the first window's (real) engine carries on. Both ways a window can start:
the sign-in screen (a store exists) and the first-run wizard (none yet)."""

from __future__ import annotations

from desktop.app import Desktop
from desktop.qt import QtWidgets
from engine import protocol as p
from engine.store_lock import read_holder

OPEN_ELSEWHERE = "HNTAI is already open on this data folder"
ENGINE_START_MS = 120_000  # how long a refused start may take on a loaded machine


def _second_desktop(qtbot, data_dir, settings) -> Desktop:
    desktop = Desktop(QtWidgets.QApplication.instance(), data_dir, settings)
    desktop.start()
    return desktop


def test_second_window_on_a_store_shows_it_is_open_elsewhere(link, call, qtbot, settings):
    data_dir = link.data_dir
    second = _second_desktop(qtbot, data_dir, settings)
    window = second.window
    try:
        assert window is not None  # the store exists: the sign-in screen, not the wizard
        qtbot.waitUntil(lambda: OPEN_ELSEWHERE in window.login.message.text(),
                        timeout=ENGINE_START_MS)
        assert window.login.message.text().count(OPEN_ELSEWHERE) == 1
        assert "STORE_BUSY" in window.login.message.text()  # the stable code is shown too
        assert window.login.message.property("role") == "error"  # a refusal, not news
        assert not window.login.button.isEnabled()  # nothing to sign in to
        assert second.link is not None and not second.link.running
        assert second.link.client.pid is None  # no second engine runs
        assert read_holder(data_dir).pid == link.client.pid
        # The first window's engine is undisturbed: signed in, answering.
        assert call(p.GetStatus()).unlocked
    finally:
        window.close_quietly()
        second.shutdown()


def test_second_first_run_wizard_shows_it_is_open_elsewhere(started_link, call, qtbot,
                                                            settings):
    """The first window is still in its wizard (engine started, no store yet)."""
    second = _second_desktop(qtbot, started_link.data_dir, settings)
    wizard = second.wizard
    try:
        assert wizard is not None and second.window is None
        next_button = wizard.button(QtWidgets.QWizard.WizardButton.NextButton)
        next_button.click()
        assert wizard.currentPage() is wizard.admin
        wizard.admin.name.setText("chief")
        wizard.admin.password.setText("a long enough one")
        wizard.admin.confirm.setText("a long enough one")
        next_button.click()
        qtbot.waitUntil(lambda: OPEN_ELSEWHERE in wizard.admin.message.text(),
                        timeout=ENGINE_START_MS)
        assert wizard.currentPage() is wizard.admin and next_button.isEnabled()
        assert not wizard.link.running and wizard.link.client.pid is None
        # The first window creates its store as if nothing had happened.
        assert call(p.InitStore(admin="admin", password="first window pass")).admin == "admin"
    finally:
        wizard.hide()  # not reject(): the wizard's reject quits the application
        second.shutdown()
