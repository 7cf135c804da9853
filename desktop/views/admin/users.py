"""The users tab: accounts, their roles, disabling and password resets."""

from __future__ import annotations

from desktop.engine_link import EngineLink
from desktop.qt import QtWidgets
from desktop.views.admin.user_dialog import UserDialog
from desktop.widgets import MARGINS, StatusLine, button, row_layout, table
from engine import protocol as p


class UsersTab(QtWidgets.QWidget):
    def __init__(self, link: EngineLink) -> None:
        super().__init__()
        self.link = link
        self.users: list[p.UserInfo] = []
        self.dialog: UserDialog | None = None  # the open add / password dialog
        self.table = table(("Name", "Role", "Status"), (220, 140), "Users")
        self.table.itemSelectionChanged.connect(self._update_buttons)
        # mnemonics avoid the tab bar's (U, D, M, T), which stay visible on every tab
        self.add_button = button("&New user…", "Create an account", self.add_user, "add",
                                 "Ctrl+N")
        self.toggle_button = button("Di&sable", "Disable or enable the selected account",
                                    self.toggle_disabled, "lock")
        self.password_button = button("Reset &password…",
                                      "Set a new password for the selected account",
                                      self.reset_password)
        self.refresh_button = button("&Refresh", "Reload the list", self.refresh,
                                     shortcut="F5")
        self.status = StatusLine("Users status")
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(*MARGINS)
        layout.addLayout(row_layout(self.add_button, self.toggle_button,
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
        # A disabled account's password is gone (engine/store/vault.remove_password).
        done = (f"Disabled {user.username}; their password no longer opens the store."
                if disable else f"Enabled {user.username}; set a new password before they "
                "sign in.")
        doing = "Disabling" if disable else "Enabling"
        self.link.call(p.DisableUser(username=user.username, disabled=disable)) \
            .success(lambda _info: self._changed(done)) \
            .failure(lambda e: self.status.failed(f"{doing} {user.username}", e)).run()

    def _changed(self, message: str) -> None:
        self.status.ok(message)
        self.refresh()
