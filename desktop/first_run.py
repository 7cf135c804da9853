"""First run: choose where the encrypted store lives, create the admin account, and show the
recovery key once, with a confirmation that it was saved."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from desktop.engine_link import EngineLink
from desktop.qt import Qt, QtCore, QtGui, QtPrintSupport, QtWidgets
from desktop.theme import icon, set_role
from desktop.widgets import button
from engine import protocol as p

MIN_PASSWORD = 8  # as engine.store.users checks; saying it here avoids a round trip


class _LocationPage(QtWidgets.QWizardPage):
    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self.setTitle("Where should HNTAI keep its data?")
        self.setSubTitle("One encrypted file holds the scrubbed documents, summaries and the "
                         "audit trail. Choose a local folder that is backed up.")
        self.path = QtWidgets.QLineEdit(str(data_dir))
        self.path.setAccessibleName("Data folder")
        browse = button("Browse…", "", self._browse, name="Browse for the data folder")
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(row)
        layout.addStretch(1)
        # Not a mandatory ("*") field: QWizard counts those as filled only once they differ
        # from their initial value, and the default location is a fine answer.
        self.registerField("data_dir", self.path)
        self.path.textChanged.connect(self.completeChanged)

    def isComplete(self) -> bool:
        return bool(self.path.text().strip())

    def _browse(self) -> None:
        chosen = QtWidgets.QFileDialog.getExistingDirectory(self, "Data folder", self.path.text())
        if chosen:
            self.path.setText(chosen)


class _AdminPage(QtWidgets.QWizardPage):
    """Creating the store is asynchronous: Next starts it and advances when it is done."""

    def __init__(self, start_engine: Callable[[Path], EngineLink]) -> None:
        super().__init__()
        self.start_engine = start_engine
        self.link: EngineLink | None = None
        self.recovery_key = ""
        self._account = ("", "")  # what Next asked for, until the store is created
        self._done = False
        self.setTitle("Create the administrator account")
        self.setSubTitle("The administrator adds staff accounts, reads the audit log and manages "
                         "models. Use a password of at least 8 characters.")
        self.name = QtWidgets.QLineEdit(placeholderText="admin")
        self.name.setAccessibleName("Administrator user name")
        self.password = QtWidgets.QLineEdit(echoMode=QtWidgets.QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Administrator password")
        self.confirm = QtWidgets.QLineEdit(echoMode=QtWidgets.QLineEdit.EchoMode.Password)
        self.confirm.setAccessibleName("Repeat the password")
        self.message = QtWidgets.QLabel("")
        self.message.setProperty("role", "error")
        self.message.setWordWrap(True)
        form = QtWidgets.QFormLayout(self)
        form.addRow("User name", self.name)
        form.addRow("Password", self.password)
        form.addRow("Repeat password", self.confirm)
        form.addRow(self.message)

    def validatePage(self) -> bool:
        if self._done:
            return True
        name, password = self.name.text().strip(), self.password.text()
        if not name:
            return self._say("Enter a user name.")
        if len(password) < MIN_PASSWORD:
            return self._say(f"The password needs at least {MIN_PASSWORD} characters.")
        if password != self.confirm.text():
            return self._say("The two passwords differ.")
        self.wizard().button(QtWidgets.QWizard.WizardButton.NextButton).setEnabled(False)
        set_role(self.message, "subtitle")  # news, not an error
        self.message.setText("Starting the engine and creating the encrypted store…")
        self._account = (name, password)
        link = self.start_engine(Path(self.field("data_dir")).expanduser())
        fresh = link is not self.link  # the first try, or another folder chosen since
        if fresh:
            self.link = link
            link.started.connect(self._create)
            link.start_failed.connect(self._failed)
        if link.running:
            self._create()
        elif not fresh:  # Next again after a refused start (the folder open elsewhere)
            link.start()
        return False

    def _create(self) -> None:
        assert self.link is not None
        name, password = self._account
        self.link.call(p.InitStore(admin=name, password=password)) \
            .success(self._created).failure(self._failed).run()

    def _created(self, result: p.InitResult) -> None:
        self.recovery_key = result.recovery_key
        self._account = ("", "")
        self.password.clear()
        self.confirm.clear()
        self._done = True
        self.wizard().next()

    def _failed(self, error: p.ErrorInfo) -> None:
        self.wizard().button(QtWidgets.QWizard.WizardButton.NextButton).setEnabled(True)
        self._say(f"{error.message} ({error.code})")

    def _say(self, text: str) -> bool:
        set_role(self.message, "error")
        self.message.setText(text)
        return False


class _RecoveryPage(QtWidgets.QWizardPage):
    def __init__(self, admin: _AdminPage) -> None:
        super().__init__()
        self.admin = admin
        self.setTitle("Save the recovery key")
        self.setSubTitle("If every password is lost, this key is the only way to open the data. "
                         "It is shown once. Print it or store it with IT, away from this "
                         "computer.")
        self.key = QtWidgets.QLineEdit(readOnly=True)
        self.key.setAccessibleName("Recovery key")
        self.key.setFont(QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont))
        copy = button("Copy", "", lambda: QtWidgets.QApplication.clipboard().setText(
            self.key.text()), name="Copy the recovery key")
        self.print_button = button("Print…", "", self._print, name="Print the recovery key")
        self.saved = QtWidgets.QCheckBox("I have stored the recovery key in a safe place")
        self.saved.setAccessibleName("Recovery key saved")
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.key, 1)
        row.addWidget(copy)
        row.addWidget(self.print_button)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.saved)
        layout.addStretch(1)
        self.registerField("recovery_saved*", self.saved)

    def _print(self) -> None:
        printer = QtPrintSupport.QPrinter()
        dialog = QtPrintSupport.QPrintDialog(printer, self)
        dialog.setWindowTitle("Print the recovery key")
        if dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted:
            self.print_key(printer)

    def print_key(self, printer: QtPrintSupport.QPrinter) -> None:
        """One page: what the key is for, and the key in a fixed-width font (0 and O apart).
        Rendered straight to the printer: no copy is written anywhere else."""
        sheet = QtGui.QTextDocument()
        key = html.escape(self.key.text())
        sheet.setHtml("<h2>HNTAI recovery key</h2><p>Opens the encrypted data if every "
                      "password is lost. Keep this page locked away, apart from the "
                      "computer.</p><p style='font-family: monospace; font-size: 16pt'>"
                      f"{key}</p>")
        sheet.print_(printer)

    def initializePage(self) -> None:
        self.key.setText(self.admin.recovery_key)
        self.wizard().button(QtWidgets.QWizard.WizardButton.BackButton).setEnabled(False)
        # Space ticks it, Enter finishes: no mouse needed. Deferred: QWizard moves the focus
        # itself once the page is shown.
        QtCore.QTimer.singleShot(0, self.saved.setFocus)

    def cleanupPage(self) -> None:
        pass


class FirstRunWizard(QtWidgets.QWizard):
    def __init__(self, data_dir: Path, start_engine: Callable[[Path], EngineLink],
                 parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Set up HNTAI")
        self.setWindowIcon(icon("hntai"))
        self.setWizardStyle(QtWidgets.QWizard.WizardStyle.ModernStyle)
        self.setOption(QtWidgets.QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QtWidgets.QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setPixmap(QtWidgets.QWizard.WizardPixmap.LogoPixmap, icon("hntai").pixmap(48, 48))
        self.location = _LocationPage(data_dir)
        self.admin = _AdminPage(start_engine)
        self.recovery = _RecoveryPage(self.admin)
        for page in (self.location, self.admin, self.recovery):
            self.addPage(page)
        self.setMinimumSize(640, 440)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)

    @property
    def link(self) -> EngineLink | None:
        return self.admin.link

    @property
    def data_dir(self) -> Path:
        return Path(self.field("data_dir")).expanduser()

    @property
    def admin_name(self) -> str:
        return self.admin.name.text().strip()

    def forget_key(self) -> None:
        """The key is shown once: clear it from the widget when the wizard closes."""
        self.recovery.key.clear()
        self.admin.recovery_key = ""
