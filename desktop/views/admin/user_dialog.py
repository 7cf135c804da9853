"""Add a user, or set a new password for one."""

from __future__ import annotations

from desktop.engine_link import EngineLink
from desktop.qt import Qt, QtCore, QtGui, QtWidgets
from desktop.widgets import MARGINS, StatusLine
from engine import protocol as p
from engine.protocol import Role

ROLE_TIPS = {Role.ADMIN: "Everything, including users, audit log and settings",
             Role.CLINICIAN: "Reads documents and summaries, dictates",
             Role.CLERK: "Adds documents; cannot read their content"}



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
        for role in Role:
            self.role.addItem(role.capitalize(), role.value)
            self.role.setItemData(self.role.count() - 1, ROLE_TIPS[role],
                                  Qt.ItemDataRole.ToolTipRole)
        self.role.setCurrentIndex(self.role.findData(Role.CLINICIAN.value))
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
            role = Role(self.role.currentData())
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
