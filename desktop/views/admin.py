"""The administration dialog (admin role): users, the audit log, models and settings.

Every tab talks to the engine through ``EngineLink`` only, and the engine checks the role on
every request: hiding this dialog from other roles is convenience, not protection.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.engine_link import EngineLink
from desktop.messages import describe
from desktop.qt import Qt, QtCore, QtGui, QtWidgets, Signal
from desktop.theme import icon
from desktop.time_format import local_day_bounds, local_time
from engine import protocol as p
from engine.policy import ROLES, SCRUB_POLICIES  # plain lists; importing them loads no store

MARGINS = (12, 12, 12, 12)
ROLE_TIPS = {"admin": "Everything, including users, audit log and settings",
             "clinician": "Reads documents and summaries, dictates",
             "clerk": "Adds documents; cannot read their content"}


def _button(text: str, tip: str, slot: Callable[[], None], icon_name: str | None = None,
            shortcut: str | None = None) -> QtWidgets.QPushButton:
    button = QtWidgets.QPushButton(text)
    if icon_name:
        button.setIcon(icon(icon_name))
    button.setAccessibleName(text.replace("&", "").rstrip("…"))
    if shortcut:
        button.setShortcut(QtGui.QKeySequence(shortcut))
        tip += f" ({shortcut})"
    button.setToolTip(tip)
    button.clicked.connect(slot)
    return button


def _details(error: p.ErrorInfo) -> str:
    """The error's details as "key: value" text (they carry no PHI: ids, keys, paths)."""
    return ", ".join(f"{k}: {v}" for k, v in error.details.items() if v not in (None, ""))


class StatusLine(QtWidgets.QLabel):
    """One calm line under a tab: what is happening, what worked, or what failed and why."""

    def __init__(self, name: str) -> None:
        super().__init__("")
        self.setWordWrap(True)
        self.setAccessibleName(name)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def _show(self, role: str, text: str) -> None:
        self.setProperty("role", role)
        self.style().polish(self)
        self.setText(text)

    def info(self, text: str) -> None:
        self._show("subtitle", text)

    def ok(self, text: str) -> None:
        self._show("ok", text)

    def bad(self, text: str) -> None:
        self._show("bad", text)

    def warn(self, text: str) -> None:
        self._show("error", text)

    def failed(self, doing: str, error: p.ErrorInfo) -> None:
        extra = _details(error)
        self._show("error", f"{doing} failed. {describe(error)}" + (f" — {extra}" if extra else ""))


def _table(headers: tuple[str, ...], widths: tuple[int, ...], name: str) -> QtWidgets.QTableWidget:
    table = QtWidgets.QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    for column, width in enumerate(widths):
        table.setColumnWidth(column, width)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _row_layout(*widgets: QtWidgets.QWidget) -> QtWidgets.QHBoxLayout:
    row = QtWidgets.QHBoxLayout()
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch(1)
    return row


# --- users ------------------------------------------------------------------------------

class UserDialog(QtWidgets.QDialog):
    """Add a user or, given ``username``, set a new password for one. It stays open until
    the engine has accepted, so a refused password is corrected in place."""

    def __init__(self, link: EngineLink, username: str | None = None,
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.link = link
        self.adding = username is None
        self.summary = ""  # what was done, for the tab's status line
        self.setWindowTitle("Add user" if self.adding else f"Reset password for {username}")
        self.name = QtWidgets.QLineEdit(username or "", placeholderText="e.g. j.smith")
        self.name.setValidator(QtGui.QRegularExpressionValidator(
            QtCore.QRegularExpression(r"[A-Za-z0-9._-]{1,64}"), self.name))
        self.name.setReadOnly(not self.adding)
        self.name.setAccessibleName("User name")
        self.name.setToolTip("Letters, digits, '.', '_' or '-'")
        self.role = QtWidgets.QComboBox()
        for role in ROLES:
            self.role.addItem(role.capitalize(), role)
            self.role.setItemData(self.role.count() - 1, ROLE_TIPS.get(role, ""),
                                  Qt.ItemDataRole.ToolTipRole)
        self.role.setCurrentIndex(self.role.findData("clinician"))
        self.role.setAccessibleName("Role")
        self.role.setToolTip("What this user may do")
        self.password = self._password_field("New password", "Password")
        self.confirm = self._password_field("Type it again", "Confirm password")
        self.message = StatusLine("User dialog message")
        self.buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok
            | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Add user" if self.adding else "Set password")
        self.ok_button.setAccessibleName(self.ok_button.text())
        self.ok_button.setToolTip("Send to the engine")
        cancel = self.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        cancel.setToolTip("Close without changes")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        form = QtWidgets.QFormLayout()
        form.addRow("&Name:", self.name)
        if self.adding:
            form.addRow("&Role:", self.role)
        form.addRow("&Password:", self.password)
        form.addRow("&Confirm:", self.confirm)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(*MARGINS)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        for field in (self.name, self.password, self.confirm):
            field.textChanged.connect(self._validate)
        self._validate()
        self.setMinimumWidth(380)

    def _password_field(self, placeholder: str, name: str) -> QtWidgets.QLineEdit:
        field = QtWidgets.QLineEdit(placeholderText=placeholder)
        field.setEchoMode(QtWidgets.QLineEdit.EchoMode.Password)
        field.setAccessibleName(name)
        field.setToolTip("The engine checks the minimum length")
        return field

    def _complete(self) -> bool:
        return (bool(self.name.text()) and bool(self.password.text())
                and self.password.text() == self.confirm.text())

    def _validate(self) -> None:
        mismatch = bool(self.confirm.text()) and self.confirm.text() != self.password.text()
        self.message.warn("The passwords do not match." if mismatch else "")
        self.ok_button.setEnabled(self._complete())

    def submit(self) -> None:
        if not self.ok_button.isEnabled():
            return
        self.ok_button.setEnabled(False)
        name, password = self.name.text(), self.password.text()
        if self.adding:
            role = self.role.currentData()
            request: p.Request = p.AddUser(username=name, role=role, password=password)
            self.summary = f"Added {name} as {role}."
        else:
            request = p.SetPassword(username=name, password=password)
            self.summary = f"Set a new password for {name}."
        self.message.info("Saving…")
        self.link.call(request).success(lambda _value: self.accept()) \
            .failure(self._refused).run()

    def _refused(self, error: p.ErrorInfo) -> None:
        self.message.failed("Saving", error)
        self.ok_button.setEnabled(self._complete())


class UsersTab(QtWidgets.QWidget):
    def __init__(self, link: EngineLink) -> None:
        super().__init__()
        self.link = link
        self.users: list[p.UserInfo] = []
        self.dialog: UserDialog | None = None  # the open add / password dialog
        self.table = _table(("Name", "Role", "Status"), (220, 140), "Users")
        self.table.itemSelectionChanged.connect(self._update_buttons)
        # mnemonics avoid the tab bar's (U, D, M, T), which stay visible on every tab
        self.add_button = _button("&New user…", "Create an account", self.add_user, "add",
                                  "Ctrl+N")
        self.toggle_button = _button("Di&sable", "Disable or enable the selected account",
                                     self.toggle_disabled, "lock")
        self.password_button = _button("Reset &password…",
                                       "Set a new password for the selected account",
                                       self.reset_password)
        self.refresh_button = _button("&Refresh", "Reload the list", self.refresh,
                                      shortcut="F5")
        self.status = StatusLine("Users status")
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(*MARGINS)
        layout.addLayout(_row_layout(self.add_button, self.toggle_button,
                                     self.password_button, self.refresh_button))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self._update_buttons()

    def refresh(self) -> None:
        self.link.call(p.ListUsers()).success(self._show) \
            .failure(lambda e: self.status.failed("Loading the users", e)).run()

    def _show(self, users: list[p.UserInfo]) -> None:
        selected = self.selected()
        self.users = sorted(users, key=lambda u: u.username.lower())
        self.table.setRowCount(len(self.users))
        for row, user in enumerate(self.users):
            cells = (user.username, user.role.capitalize(),
                     "Disabled" if user.disabled else "Active")
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QtWidgets.QTableWidgetItem(text))
            if selected is not None and user.username == selected.username:
                self.table.selectRow(row)
        self._update_buttons()

    def selected(self) -> p.UserInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.users[rows[0].row()] if rows else None

    def select(self, username: str) -> None:
        for row, user in enumerate(self.users):
            if user.username == username:
                self.table.selectRow(row)

    def _update_buttons(self) -> None:
        user = self.selected()
        self.toggle_button.setEnabled(user is not None)
        self.password_button.setEnabled(user is not None)
        self.toggle_button.setText("&Enable" if user and user.disabled else "Di&sable")
        self.toggle_button.setAccessibleName(self.toggle_button.text().replace("&", ""))

    def add_user(self) -> None:
        self._open_dialog(UserDialog(self.link, parent=self))

    def reset_password(self) -> None:
        user = self.selected()
        if user is not None:
            self._open_dialog(UserDialog(self.link, user.username, parent=self))

    def _open_dialog(self, dialog: UserDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda result: self._dialog_done(dialog, result))
        dialog.open()  # window-modal without a nested event loop

    def _dialog_done(self, dialog: UserDialog, result: int) -> None:
        self.dialog = None
        dialog.deleteLater()
        if result == QtWidgets.QDialog.DialogCode.Accepted.value:
            self._changed(dialog.summary)

    def toggle_disabled(self) -> None:
        user = self.selected()
        if user is None:
            return
        disable = not user.disabled
        done, doing = ("Disabled", "Disabling") if disable else ("Enabled", "Enabling")
        self.link.call(p.DisableUser(username=user.username, disabled=disable)) \
            .success(lambda _info: self._changed(f"{done} {user.username}.")) \
            .failure(lambda e: self.status.failed(f"{doing} {user.username}", e)).run()

    def _changed(self, message: str) -> None:
        self.status.ok(message)
        self.refresh()


# --- audit log --------------------------------------------------------------------------

@dataclass(frozen=True)
class _Column:
    title: str
    key: str
    width: int


AUDIT_COLUMNS = (
    _Column("Time (local)", "timestamp", 150), _Column("User", "user_id", 100),
    _Column("Action", "action", 150), _Column("Resource", "resource", 170),
    _Column("PHI", "phi_accessed", 50), _Column("Status", "response_status", 80),
    _Column("Workstation", "workstation", 110), _Column("Error", "error_message", 80),
)


class AuditModel(QtCore.QAbstractTableModel):
    """Audit entries as rows; cells are formatted on demand, so 10,000 rows cost little."""

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.entries: list[dict[str, Any]] = []
        self._order = (0, Qt.SortOrder.DescendingOrder)

    def set_entries(self, entries: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.entries = entries
        self._sort_entries()
        self.endResetModel()

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """Sorted in Python with one key per row: a proxy model would call ``data()`` for
        every comparison, seconds of stall on 10,000 rows."""
        self._order = (column, order)
        self.layoutAboutToBeChanged.emit()
        self._sort_entries()
        self.layoutChanged.emit()

    def _sort_entries(self) -> None:
        column, order = self._order
        key = AUDIT_COLUMNS[column].key
        # by the stored UTC time, not its local rendering (a DST change repeats an hour)
        self.entries.sort(key=lambda e: (e[key] if key == "timestamp" else self.cell(e, key),
                                         e["id"]),
                          reverse=order == Qt.SortOrder.DescendingOrder)

    def rowCount(self, parent=QtCore.QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent=QtCore.QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(AUDIT_COLUMNS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return AUDIT_COLUMNS[section].title
        return None

    def data(self, index: QtCore.QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        entry = self.entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(entry, AUDIT_COLUMNS[index.column()].key)
        if role == Qt.ItemDataRole.ForegroundRole and entry["response_status"] != "success":
            return QtGui.QBrush(QtGui.QColor("#c0392b"))
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 4:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    @staticmethod
    def cell(entry: dict[str, Any], key: str) -> str:
        if key == "timestamp":
            return local_time(entry["timestamp"], seconds=True)
        if key == "resource":
            return " ".join(str(v) for v in (entry["resource_type"], entry["resource_id"]) if v)
        if key == "phi_accessed":
            return "yes" if entry["phi_accessed"] else ""
        return str(entry.get(key) or "")


def entry_text(entry: dict[str, Any]) -> str:
    """Every field of one entry, for the detail pane."""
    lines = []
    for key, value in entry.items():
        if key == "request_data" and value:
            with contextlib.suppress(ValueError):  # not JSON after all: show it as it is
                value = json.dumps(json.loads(value), indent=2, sort_keys=True)
        lines.append(f"{key}: {value}")
    return "\n".join(lines)


class OptionalDate(QtWidgets.QWidget):
    """A QDateEdit with a "no date" state, switched by a check box beside it.

    Unchecked, the edit is disabled and shows "no date" (its special value, the minimum
    date). The check box, not the minimum date alone, decides: a bare QDateEdit would let
    the arrow keys step out of "no date" into a real date without the user meaning to."""

    def __init__(self, label: str, tip: str) -> None:
        super().__init__()
        name = label.replace("&", "")
        self.check = QtWidgets.QCheckBox(label)
        self.check.setAccessibleName(f"{name} date filter")
        self.check.setToolTip(tip)
        self.edit = QtWidgets.QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setMinimumDate(QtCore.QDate(2000, 1, 1))
        self.edit.setSpecialValueText("no date")
        self.edit.setAccessibleName(f"{name} date")
        self.edit.setToolTip(tip)
        self._chosen = QtCore.QDate.currentDate()  # shown when checked
        self.check.toggled.connect(self._toggled)
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.edit)
        self._show()

    def _toggled(self, on: bool) -> None:
        if not on:
            self._chosen = self.edit.date()  # back to it when checked again
        self._show()

    def _show(self) -> None:
        on = self.check.isChecked()
        self.edit.setEnabled(on)
        self.edit.setDate(self._chosen if on else self.edit.minimumDate())

    def bound(self, end: int) -> str | None:
        """The first (``end`` 0) or last (1) stored instant of the chosen local day."""
        if not self.check.isChecked():
            return None
        return local_day_bounds(self.edit.date().toPython())[end]

    def set_value(self, date: QtCore.QDate | None) -> None:
        if date is not None:
            self._chosen = date
        self.check.setChecked(date is not None)
        self._show()


class AuditTab(QtWidgets.QWidget):
    ACTIONS = ("", "login", "user.", "document.", "job.", "summary.", "export", "settings.",
               "model.", "audit.", "network.")

    def __init__(self, link: EngineLink) -> None:
        super().__init__()
        self.link = link
        self.user = QtWidgets.QLineEdit(placeholderText="Any user")
        self.user.setAccessibleName("Filter by user")
        self.user.setToolTip("Only entries by this user name (exact)")
        self.user.setClearButtonEnabled(True)
        self.action = QtWidgets.QComboBox()
        self.action.setEditable(True)
        self.action.addItems(self.ACTIONS)
        self.action.lineEdit().setPlaceholderText("Any action")
        self.action.setAccessibleName("Filter by action")
        self.action.setToolTip("Actions starting with this text, e.g. 'document.' or 'login'")
        self.action.setMinimumWidth(150)
        self.since = OptionalDate("&From", "Only entries on or after this day (local time)")
        self.until = OptionalDate("T&o", "Only entries on or before this day (local time)")
        self.limit = QtWidgets.QSpinBox()
        self.limit.setRange(100, 10_000)
        self.limit.setSingleStep(500)
        self.limit.setValue(1000)
        self.limit.setGroupSeparatorShown(True)
        self.limit.setFixedWidth(96)
        self.limit.setAccessibleName("Most entries")
        self.limit.setToolTip("Show at most this many of the newest matching entries")
        self.refresh_button = _button("&Refresh", "Search with these filters", self.refresh,
                                      "search", "F5")
        self.verify_button = _button("&Verify chain", "Check that no entry was altered or "
                                     "removed", self.verify)
        self.export_button = _button("E&xport…", "Save the whole audit log as CSV or JSON "
                                     "Lines", self.export, "export")
        for edit in (self.user, self.action.lineEdit()):
            edit.returnPressed.connect(self.refresh)

        self.model = AuditModel(self)
        self.view = QtWidgets.QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName("Audit entries")
        self.view.setToolTip("Click a column title to sort by it")
        self.view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        # fixed row heights: no per-row measuring, so large results scroll smoothly
        self.view.verticalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        for column, spec in enumerate(AUDIT_COLUMNS):
            self.view.setColumnWidth(column, spec.width)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.selectionModel().currentRowChanged.connect(self._show_detail)
        self.detail = QtWidgets.QPlainTextEdit(readOnly=True)
        self.detail.setPlaceholderText("Select an entry to see all of its fields")
        self.detail.setAccessibleName("Audit entry details")
        self.detail.setToolTip("Every field of the selected entry, including its hashes")
        self.detail.setFont(QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont))
        split = QtWidgets.QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.view)
        split.addWidget(self.detail)
        split.setSizes([400, 140])

        self.count = StatusLine("Audit entry count")
        self.verify_result = StatusLine("Audit chain check result")
        filters = QtWidgets.QHBoxLayout()
        for label, widget in (("U&ser:", self.user), ("&Action:", self.action)):
            caption = QtWidgets.QLabel(label)
            caption.setBuddy(widget)
            filters.addWidget(caption)
            filters.addWidget(widget)
        for widget in (self.since, self.until):
            filters.addWidget(widget)
        limit_label = QtWidgets.QLabel("Ro&ws:")
        limit_label.setBuddy(self.limit)
        filters.addWidget(limit_label)
        filters.addWidget(self.limit)
        filters.addWidget(self.refresh_button)
        filters.addStretch(1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(*MARGINS)
        layout.addLayout(filters)
        layout.addWidget(split, 1)
        layout.addWidget(self.count)
        actions = QtWidgets.QHBoxLayout()
        actions.addWidget(self.verify_button)
        actions.addWidget(self.export_button)
        actions.addWidget(self.verify_result, 1)
        layout.addLayout(actions)

    def query(self) -> p.ListAudit:
        return p.ListAudit(user_id=self.user.text().strip() or None,
                           action=self.action.currentText().strip() or None,
                           since=self.since.bound(0), until=self.until.bound(1),
                           limit=self.limit.value())

    def refresh(self) -> None:
        self.count.info("Searching…")
        self.link.call(self.query()).success(self._show) \
            .failure(lambda e: self.count.failed("Searching the audit log", e)).run()

    def _show(self, entries: list[dict[str, Any]]) -> None:
        self.model.set_entries(entries)
        self.detail.clear()
        full = " (the limit: narrow the filters to see older ones)" \
            if len(entries) >= self.limit.value() else ""
        self.count.info(f"{len(entries):,} entries, newest first{full}.")

    def _show_detail(self, current: QtCore.QModelIndex, _previous=None) -> None:
        if current.isValid():
            self.detail.setPlainText(entry_text(self.model.entries[current.row()]))

    def verify(self) -> None:
        self.verify_button.setEnabled(False)
        self.verify_result.info("Checking the audit chain…")
        self.link.call(p.AuditVerify()).success(self._verified) \
            .failure(lambda e: self.verify_result.failed("Checking the audit chain", e)) \
            .always(lambda: self.verify_button.setEnabled(True)).run()

    def _verified(self, info: p.AuditVerifyInfo) -> None:
        if info.ok:
            self.verify_result.ok(f"✔ The audit chain is intact: {info.entries:,} entries "
                                  "verified, none altered or removed.")
        else:
            where = f" at entry #{info.first_broken_id}" if info.first_broken_id else ""
            self.verify_result.bad(f"✘ The audit chain is BROKEN{where}: {info.reason}. "
                                   "Entries from there on may have been altered or removed.")

    def export(self) -> None:
        stamp = QtCore.QDate.currentDate().toString("yyyyMMdd")
        path, chosen = QtWidgets.QFileDialog.getSaveFileName(
            self, "Export audit log", str(Path.home() / f"hntai-audit-{stamp}.csv"),
            "CSV (*.csv);;JSON Lines (*.jsonl)")
        if path:
            fmt = "jsonl" if "jsonl" in chosen or path.endswith(".jsonl") else "csv"
            self.export_to(Path(path if Path(path).suffix else f"{path}.{fmt}"), fmt)

    def export_to(self, path: Path, fmt: str) -> None:
        self.export_button.setEnabled(False)
        self.verify_result.info("Exporting…")
        self.link.call(p.AuditExport(fmt=fmt)).success(lambda text: self._write(path, fmt, text)) \
            .failure(lambda e: self.verify_result.failed("Exporting the audit log", e)) \
            .always(lambda: self.export_button.setEnabled(True)).run()

    def _write(self, path: Path, fmt: str, text: str) -> None:
        try:
            with open(path, "w", encoding="utf-8", newline="") as fh:  # CSV keeps its \r\n
                fh.write(text)
        except OSError as exc:
            self.verify_result.bad(f"The file could not be written: {exc.strerror}.")
            return
        rows = len(text.splitlines()) - (1 if fmt == "csv" else 0)  # CSV: minus its header
        self.verify_result.ok(f"Exported {rows:,} entries to {path.name}.")


# --- models -----------------------------------------------------------------------------

class ModelsTab(QtWidgets.QWidget):
    HEADERS = ("Name", "Task", "Backend", "Default", "State", "Device", "Memory", "In use")

    def __init__(self, link: EngineLink) -> None:
        super().__init__()
        self.link = link
        self.models: list[dict[str, Any]] = []
        self.table = _table(self.HEADERS, (220, 110, 90, 70, 90, 70, 90), "Models")
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.load_button = _button("&Load", "Load the selected model into memory now",
                                   self.load_selected)
        self.unload_button = _button("U&nload", "Free the memory the selected model uses",
                                     self.unload_selected)
        self.refresh_button = _button("&Refresh", "Reload the list", self.refresh,
                                      shortcut="F5")
        self.import_button = _button("&Import bundle…", "Verify a model bundle provisioned by "
                                     "IT and make its models usable", self.choose_bundle)
        self.busy = QtWidgets.QProgressBar()
        self.busy.setRange(0, 0)  # indeterminate: the engine reports no load progress
        self.busy.setFixedWidth(120)
        self.busy.setAccessibleName("Model operation in progress")
        self.busy.setToolTip("The engine is loading or unloading a model")
        self.busy.hide()
        self.status = StatusLine("Models status")
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(*MARGINS)
        layout.addLayout(_row_layout(self.load_button, self.unload_button,
                                     self.refresh_button, self.import_button, self.busy))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self._working = False
        self._update_buttons()

    def refresh(self) -> None:
        self.link.call(p.ListModels()).success(self._show) \
            .failure(lambda e: self.status.failed("Loading the model list", e)).run()

    @staticmethod
    def state(model: dict[str, Any]) -> str:
        """A missing file is not a model waiting to be loaded: IT must provision it."""
        if model.get("loaded", False):
            return "Loaded"
        return "Not loaded" if model.get("installed", True) else "Not installed"

    @classmethod
    def cells(cls, model: dict[str, Any]) -> tuple[str, ...]:
        loaded = model.get("loaded", False)
        memory = f"{model['memory_bytes'] / 2**20:,.0f} MB" if loaded and "memory_bytes" in model \
            else ""
        return (model["name"], model["task"], model["backend"],
                "✓" if model.get("is_default") else "", cls.state(model),
                str(model.get("device", "")) if loaded else "", memory,
                str(model.get("leases", "")) if loaded else "")

    def _show(self, models: list[dict[str, Any]]) -> None:
        selected = self.selected()
        self.models = models
        self.table.setRowCount(len(models))
        for row, model in enumerate(models):
            for column, text in enumerate(self.cells(model)):
                self.table.setItem(row, column, QtWidgets.QTableWidgetItem(text))
            if not model.get("installed", True):
                self.table.item(row, 4).setToolTip(
                    "The model's file is not on this workstation; IT provisions it "
                    "(Import bundle…).")
            if selected is not None and model["name"] == selected["name"]:
                self.table.selectRow(row)
        self._update_buttons()

    def selected(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows()
        return self.models[rows[0].row()] if rows else None

    def select(self, name: str) -> None:
        for row, model in enumerate(self.models):
            if model["name"] == name:
                self.table.selectRow(row)

    def _update_buttons(self) -> None:
        model = self.selected()
        loaded = bool(model and model.get("loaded"))
        installed = bool(model and model.get("installed", True))
        self.load_button.setEnabled(not self._working and installed and not loaded)
        self.unload_button.setEnabled(not self._working and loaded)
        self.import_button.setEnabled(not self._working)

    def load_selected(self) -> None:
        model = self.selected()
        if model is not None:
            self._run(p.LoadModel(name=model["name"]), f"Loading {model['name']}",
                      lambda info: f"Loaded {model['name']} on {info.get('device', '?')}.")

    def unload_selected(self) -> None:
        model = self.selected()
        if model is not None:
            self._run(p.UnloadModel(name=model["name"]), f"Unloading {model['name']}",
                      lambda done: f"Unloaded {model['name']}." if done
                      else f"{model['name']} was not loaded.")

    def choose_bundle(self) -> None:
        name, _ = QtWidgets.QFileDialog.getOpenFileName(
            self, "Import model bundle", str(Path.home()), "Model bundles (*.tar)")
        if name:
            self.import_bundle(Path(name))

    def import_bundle(self, bundle: Path) -> None:
        """Every file is checked against the bundle's SHA-256 manifest before anything is
        registered; a tampered bundle is refused with the failing file named."""
        self._run(p.ImportModels(path=str(bundle)), "Importing the model bundle",
                  lambda r: f"Imported {', '.join(r['models'])} ({r['files']} file(s)).")

    def _run(self, request: p.Request, doing: str, said: Callable[[Any], str]) -> None:
        """Loads take seconds: show that work is going on, keep the window responsive."""
        self._working = True
        self.busy.show()
        self.status.info(f"{doing}…")
        self._update_buttons()
        self.link.call(request).success(lambda value: self.status.ok(said(value))) \
            .failure(lambda e: self.status.failed(doing, e)).always(self._finished).run()

    def _finished(self) -> None:
        self._working = False
        self.busy.hide()
        self.refresh()


# --- settings ---------------------------------------------------------------------------

@dataclass(frozen=True)
class SettingSpec:
    label: str
    tip: str
    minimum: int = 0
    maximum: int = 1_000_000
    suffix: str = ""
    zero_text: str = ""  # shown instead of 0 when 0 has a meaning of its own


SETTINGS: dict[str, SettingSpec] = {
    "scrub.policy": SettingSpec("Scrub policy", "How identifiers in documents are replaced"),
    "phi.site_lexicon": SettingSpec("Site lexicon file", "The site's facility, ward and town "
                                    "names and clinician roster, removed as well: a UTF-8 "
                                    "file, one term<TAB>NAME|ORGANIZATION|LOCATION a line"),
    "limits.max_file_mb": SettingSpec("Largest file", "Bigger files are refused", 1, 100_000,
                                      " MB"),
    "limits.max_pages": SettingSpec("Most pages", "Documents with more pages are refused", 1),
    "limits.max_image_megapixels": SettingSpec("Largest image", "Bigger images are refused",
                                               1, 10_000, " megapixels"),
    "limits.max_docx_uncompressed_mb": SettingSpec(
        "Largest Word document (unpacked)", "Guards against zip bombs", 1, 100_000, " MB"),
    "limits.max_text_million_chars": SettingSpec(
        "Most text per document", "Documents holding more text are refused (1 million "
        "characters is about 500 pages)", 1, 1_000, " million characters"),
    "limits.job_memory_mb": SettingSpec(
        "Memory per job", "What one document's reading may use; bigger inputs are read in "
        "parts or refused", 256, 65_536, " MB"),
    "ocr.dpi": SettingSpec("Scan resolution", "Resolution pages are rendered at for text "
                           "recognition", 72, 1200, " dpi"),
    "ocr.lang": SettingSpec("Languages", "Tesseract language codes, e.g. eng or eng+deu"),
    "jobs.timeout_s": SettingSpec("Job time limit", "A job running longer is stopped", 10,
                                  86_400, " s"),
    "jobs.max_attempts": SettingSpec("Attempts per job", "How often a job is tried after an "
                                     "engine crash", 1, 20),
    "security.idle_lock_minutes": SettingSpec("Lock after idle", "The window locks after "
                                              "this long without input", 1, 1440, " min"),
    "retention.days": SettingSpec("Keep documents for", "Documents older than this are "
                                  "removed", 0, 36_500, " days", "keep forever"),
    "display.replaced_values": SettingSpec(
        "Replaced values", "How documents and summaries show replaced names, numbers and "
        "dates (the stored text is the same either way)"),
}
SECTIONS = {"scrub": "De-identification", "phi": "Site lexicon", "limits": "Input limits",
            "ocr": "Text recognition (OCR)", "jobs": "Jobs", "security": "Security",
            "retention": "Retention", "display": "Review display"}
_POLICY_TEXT = {"surrogate": "Surrogate — realistic stand-ins", "redact": "Redact — [TYPE] "
                "markers", "safe_harbor": "Safe Harbor — HIPAA identifiers removed"}
_CHOICES: dict[str, dict[str, str]] = {
    "scrub.policy": {choice: _POLICY_TEXT.get(choice, choice) for choice in SCRUB_POLICIES},
    "display.replaced_values": {"tags": "Typed tags — [NAME], [PHONE], dates marked shifted",
                                "stand-ins": "Stand-ins — invented values in a badge"},
}


class SettingField:
    """One editor for one setting key, chosen by the key's choices or its value's type."""

    def __init__(self, key: str, value: Any, changed: Callable[[], None]) -> None:
        self.key = key
        self.spec = SETTINGS.get(key, SettingSpec(key, key))
        self.widget = self._make(value, changed)
        self.widget.setAccessibleName(self.spec.label)
        self.widget.setToolTip(f"{self.spec.tip} ({key})")

    def _make(self, value: Any, changed: Callable[[], None]) -> QtWidgets.QWidget:
        if self.key in _CHOICES:
            box = QtWidgets.QComboBox()
            for choice, text in _CHOICES[self.key].items():
                box.addItem(text, choice)
            box.currentIndexChanged.connect(changed)
            self._get = box.currentData
            self._set = lambda v: box.setCurrentIndex(box.findData(v))
        elif isinstance(value, bool):
            check = QtWidgets.QCheckBox()
            check.toggled.connect(changed)
            self._get, self._set, box = check.isChecked, check.setChecked, check
        elif isinstance(value, int):
            box = QtWidgets.QSpinBox()
            box.setRange(min(self.spec.minimum, value), max(self.spec.maximum, value))
            box.setSuffix(self.spec.suffix)
            box.setSpecialValueText(self.spec.zero_text)
            box.setGroupSeparatorShown(True)
            box.valueChanged.connect(changed)
            self._get, self._set = box.value, box.setValue
        elif isinstance(value, float):
            box = QtWidgets.QDoubleSpinBox()
            box.setRange(min(0.0, value), max(1e9, value))
            box.valueChanged.connect(changed)
            self._get, self._set = box.value, box.setValue
        elif isinstance(value, str):
            box = QtWidgets.QLineEdit()
            box.textChanged.connect(changed)
            self._get, self._set = box.text, box.setText
        else:  # lists or tables are set by IT in the policy file, not here
            box = QtWidgets.QLabel(json.dumps(value))
            self._get, self._set = (lambda: value), (lambda _v: None)
        self._set(value)
        return box

    def value(self) -> Any:
        return self._get()

    def set_value(self, value: Any) -> None:
        self._set(value)


class SettingsTab(QtWidgets.QWidget):
    settings_changed = Signal(dict)  # every setting after a save, as the engine holds them

    def __init__(self, link: EngineLink) -> None:
        super().__init__()
        self.link = link
        self.values: dict[str, Any] = {}
        self.fields: dict[str, SettingField] = {}
        self._answers: dict[str, p.ErrorInfo | None] = {}
        self._asked: dict[str, Any] = {}
        self.form_host = QtWidgets.QWidget()
        self.form = QtWidgets.QVBoxLayout(self.form_host)
        scroll = QtWidgets.QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.form_host)
        scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.save_button = _button("&Save", "Store the changed settings", self.save,
                                   shortcut="Ctrl+S")
        self.save_button.setProperty("primary", True)
        self.revert_button = _button("Re&vert", "Throw away unsaved changes", self.refresh)
        self.status = StatusLine("Settings status")
        self.lexicon = StatusLine("Site lexicon terms")
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(*MARGINS)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.lexicon)
        layout.addWidget(self.status)
        buttons = QtWidgets.QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self._update_buttons()

    def refresh(self) -> None:
        self.link.call(p.GetSettings()).success(self._show) \
            .failure(lambda e: self.status.failed("Loading the settings", e)).run()
        self.link.call(p.GetSiteLexicon()).success(self._show_lexicon) \
            .failure(lambda e: self.lexicon.failed("Loading the site lexicon", e)).run()

    def _show_lexicon(self, info: p.SiteLexiconInfo) -> None:
        self.lexicon.info(f"Site lexicon: {info.terms:,} terms in use ({info.listed:,} from "
                          f"the file, {info.from_users:,} staff names from the user list)")

    def _show(self, values: dict[str, Any]) -> None:
        self.values = dict(values)
        if set(values) != set(self.fields):
            self._build(values)
        for key, value in values.items():
            self.fields[key].set_value(value)
        self._update_buttons()

    def _build(self, values: dict[str, Any]) -> None:
        while self.form.count():
            item = self.form.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.fields = {}
        groups: dict[str, QtWidgets.QFormLayout] = {}
        order = list(SECTIONS)
        # by section, then in the engine's own order (stable sort)
        for key in sorted(values, key=lambda k: order.index(k.split(".")[0])
                          if k.split(".")[0] in order else len(order)):
            section = key.split(".")[0]
            if section not in groups:
                box = QtWidgets.QGroupBox(SECTIONS.get(section, section.capitalize()))
                groups[section] = QtWidgets.QFormLayout(box)
                self.form.addWidget(box)
            field = SettingField(key, values[key], self._update_buttons)
            label = QtWidgets.QLabel(field.spec.label + ":")
            label.setBuddy(field.widget)
            label.setMinimumWidth(230)  # one label column across all groups
            field.widget.setFixedWidth(260)
            hint = QtWidgets.QLabel(field.spec.tip)
            hint.setProperty("role", "subtitle")
            hint.setWordWrap(True)
            row = QtWidgets.QHBoxLayout()
            row.addWidget(field.widget)
            row.addWidget(hint, 1)
            groups[section].addRow(label, row)
            self.fields[key] = field
        self.form.addStretch(1)

    def changes(self) -> dict[str, Any]:
        return {key: field.value() for key, field in self.fields.items()
                if field.value() != self.values.get(key)}

    def _update_buttons(self) -> None:
        dirty = bool(self.changes()) and not self._asked
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)

    def save(self) -> None:
        changes = self.changes()
        if not changes or self._asked:
            return
        self._asked, self._answers = changes, {}
        self._update_buttons()
        self.status.info("Saving…")
        for key, value in changes.items():  # one request per key: each is audited alone
            self.link.call(p.PutSetting(key=key, value=value)) \
                .success(lambda _v, k=key: self._answered(k, None)) \
                .failure(lambda e, k=key: self._answered(k, e)).run()

    def _answered(self, key: str, error: p.ErrorInfo | None) -> None:
        self._answers[key] = error
        if len(self._answers) < len(self._asked):
            return
        saved = {k: v for k, v in self._asked.items() if self._answers[k] is None}
        refused = {k: e for k, e in self._answers.items() if e is not None}
        self._asked = {}
        if saved:
            self.values.update(saved)
            self.settings_changed.emit(dict(self.values))
        if refused:
            reasons = "; ".join(self._refusal(k, e) for k, e in refused.items())
            done = f"Saved {len(saved)}. " if saved else ""
            self.status.bad(f"{done}Not saved: {reasons}")
        else:
            self.status.ok(f"Saved {len(saved)} setting{'s' * (len(saved) != 1)}.")
        self.refresh()  # show what the engine holds now (a refused key goes back)

    def _refusal(self, key: str, error: p.ErrorInfo) -> str:
        label = SETTINGS.get(key, SettingSpec(key, key)).label
        where = error.details.get("policy")
        why = error.message.rstrip(".") + (f" ({where})" if where else "")
        return f"{label} ({key}): {why} [{error.code}]"


# --- the dialog -------------------------------------------------------------------------

class AdminDialog(QtWidgets.QDialog):
    """Opens empty: ``refresh()`` (each time it is shown) fetches every tab's data."""

    settings_changed = Signal(dict)  # all settings after a successful save

    def __init__(self, link: EngineLink, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.link = link
        self.setWindowTitle("HNTAI administration")
        self.setWindowIcon(icon("admin"))
        self.users_tab = UsersTab(link)
        self.audit_tab = AuditTab(link)
        self.models_tab = ModelsTab(link)
        self.settings_tab = SettingsTab(link)
        self.settings_tab.settings_changed.connect(self.settings_changed)
        self.tabs = QtWidgets.QTabWidget()
        self.tabs.setAccessibleName("Administration sections")
        for tab, icon_name, title, tip in (
                (self.users_tab, "admin", "&Users", "Accounts and roles"),
                (self.audit_tab, "search", "Au&dit log", "Who did what, and the chain check"),
                (self.models_tab, "summary", "&Models", "Installed models and memory"),
                (self.settings_tab, "document", "Se&ttings", "Workstation settings")):
            index = self.tabs.addTab(tab, icon(icon_name), title)
            self.tabs.setTabToolTip(index, tip)
        close = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close)
        close_button = close.button(QtWidgets.QDialogButtonBox.StandardButton.Close)
        close_button.setAccessibleName("Close")
        close_button.setToolTip("Close the administration window (Esc)")
        close.rejected.connect(self.reject)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(*MARGINS)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(close)
        self.resize(1000, 660)

    def refresh(self) -> None:
        for tab in (self.users_tab, self.audit_tab, self.models_tab, self.settings_tab):
            tab.refresh()
