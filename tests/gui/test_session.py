"""Sign-in, the first-run wizard, the idle lock and role restrictions, against a real engine."""

from __future__ import annotations

from desktop.first_run import FirstRunWizard
from desktop.qt import Qt, QtCore, QtWidgets
from engine import protocol as p


def test_wrong_password_gets_a_calm_message_then_the_right_one_signs_in(
        make_window, qtbot, sign_in):
    window = make_window()
    window.link.forget_credentials()
    window.login.username.setText("admin")
    window.login.password.setText("not the password")
    window.login.submit()
    qtbot.waitUntil(lambda: "did not match" in window.login.message.text(), timeout=30_000)
    assert window.user is None
    assert window.pages.currentIndex() == 0
    assert window.login.password.text() == ""  # a refused password is not kept in the field
    sign_in(window)
    assert window.user.role == "admin"
    assert window.admin_action.isVisible()


def test_repeated_failures_are_throttled_with_the_wait_shown(make_window, qtbot):
    window = make_window()
    for _ in range(6):
        window.login.username.setText("admin")
        window.login.password.setText("wrong wrong wrong")
        window.login.button.setEnabled(True)
        window.login.submit()
        qtbot.waitUntil(lambda: window.login.message.text() not in ("", "Signing in…"),
                        timeout=30_000)
    assert "Too many attempts" in window.login.message.text()
    assert not window.login.button.isEnabled()


def test_first_run_creates_the_store_and_shows_the_recovery_key_once(qtbot, tmp_path):
    from desktop.engine_link import EngineLink

    links: list[EngineLink] = []

    def start(data_dir):
        link = EngineLink(data_dir)
        link.start()
        links.append(link)
        return link

    wizard = FirstRunWizard(tmp_path / "new-data", start)
    qtbot.addWidget(wizard)
    wizard.show()
    try:
        next_button = wizard.button(QtWidgets.QWizard.WizardButton.NextButton)
        assert next_button.isEnabled()  # the default location is an answer
        wizard.location.path.clear()
        assert not next_button.isEnabled()
        wizard.location.path.setText(str(tmp_path / "new-data"))
        next_button.click()
        assert wizard.currentPage() is wizard.admin
        wizard.admin.name.setText("chief")
        wizard.admin.password.setText("short")
        wizard.admin.confirm.setText("short")
        next_button.click()
        assert "at least" in wizard.admin.message.text()
        assert not links  # nothing started for an invalid form
        wizard.admin.password.setText("a long enough one")
        wizard.admin.confirm.setText("a long enough one")
        next_button.click()
        qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery, timeout=120_000)
        key = wizard.recovery.key.text()
        assert len(key) >= 20
        finish = wizard.button(QtWidgets.QWizard.WizardButton.FinishButton)
        assert not finish.isEnabled()  # the key must be confirmed as saved
        wizard.recovery.saved.setChecked(True)
        assert finish.isEnabled()
        assert (tmp_path / "new-data" / "hntai.db").exists()
        wizard.forget_key()
        assert wizard.recovery.key.text() == ""
        # The key it showed really opens the store.
        links[0].forget_credentials()
        outcome = []
        links[0].call(p.UnlockWithRecovery(username="chief", recovery_key=key)) \
            .success(outcome.append).failure(outcome.append).run()
        qtbot.waitUntil(lambda: bool(outcome), timeout=30_000)
        assert isinstance(outcome[0], p.UserInfo)
    finally:
        for link in links:
            link.stop()


def test_idle_lock_hides_the_work_and_forgets_the_password_while_jobs_run(
        make_window, qtbot, samples_dir, sign_in, password):
    window = make_window()
    sign_in(window)
    window.home.drop_zone.take([samples_dir / "clinic_note.txt"])
    qtbot.waitUntil(lambda: len(window.jobs.job_ids()) == 1, timeout=30_000)
    window.idle.set_minutes(0.5 / 60)  # half a second
    window.idle.arm()
    qtbot.waitUntil(lambda: window.pages.currentIndex() == 0, timeout=10_000)
    assert "locked" in window.login.title.text().lower()
    assert window.link.client._login is None  # no password left in the desktop process
    assert not window.jobs_dock.isVisible()
    job_id = window.jobs.job_ids()[0]
    qtbot.waitUntil(lambda: window.jobs.state_of(job_id) == "succeeded", timeout=120_000)
    window.login.password.setText(password)
    window.login.submit()
    qtbot.waitUntil(lambda: window.pages.currentIndex() == 1, timeout=30_000)


def test_ctrl_l_locks_the_window(make_window, qtbot, sign_in):
    window = make_window()
    sign_in(window)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.pages.currentIndex() == 0, timeout=5_000)


def test_a_clerk_adds_documents_but_reads_nothing_and_the_engine_refuses_too(
        make_window, call, qtbot, samples_dir, sign_in):
    call(p.AddUser(username="clerk1", role="clerk", password="clerk password"))
    window = make_window()
    window.link.forget_credentials()
    sign_in(window, "clerk1", "clerk password")
    assert not window.admin_action.isVisible()
    window.home.drop_zone.take([samples_dir / "clinic_note.txt"])
    qtbot.waitUntil(lambda: window.records.tree.topLevelItemCount() == 1, timeout=120_000)
    record = window.records.tree.topLevelItem(0)
    window.records.tree.setCurrentItem(record.child(0))
    assert "clinicians" in window.document.heading.text()
    doc_id = record.child(0).data(0, Qt.ItemDataRole.UserRole)
    assert call.error(p.GetDocument(document_id=doc_id)).code == "PERMISSION_DENIED"
    assert call.error(p.Summarize(record_id=record.data(0, Qt.ItemDataRole.UserRole))
                      ).code == "PERMISSION_DENIED"
    window.open_admin()
    assert window.admin is None


def test_the_window_offers_what_the_users_permissions_allow(make_window):
    """Administration and reading follow ``UserInfo.permissions`` (the engine's table)."""
    window = make_window()
    for role in p.Role:
        window.enter_workspace(p.UserInfo(f"{role}-user", role, False))
        allowed = p.ROLE_PERMISSIONS[role]
        assert window.admin_action.isVisible() == (p.Permission.USER_ADMIN in allowed)
        readable = p.Permission.DOCUMENT_READ in allowed
        assert window.document.tabs.isEnabled() == readable
        window.open_document("D-unknown")
        assert ("clinicians" in window.document.heading.text()) == (not readable)
        window.lock()


def test_window_state_is_remembered(make_window, settings, qtbot):
    window = make_window()
    window.resize(760, 560)  # within the offscreen screen: restoring clamps to the screen
    size = window.size()
    window.close_quietly()
    assert settings.value("window/geometry") is not None
    again = make_window()
    assert again.size() == size != QtCore.QSize(1280, 820)  # not the default size
