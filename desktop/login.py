"""The login panel: unlocks the store at start and the window after the idle lock.

A wrong password gets a calm message; the engine throttles repeated failures and says how
long to wait, and the panel keeps the button disabled for that long.
"""

from __future__ import annotations

from desktop.engine_link import EngineLink
from desktop.qt import Qt, QtCore, QtWidgets, Signal
from desktop.theme import icon, set_role
from desktop.widgets import button
from engine import protocol as p


class LoginPanel(QtWidgets.QFrame):
    logged_in = Signal(object)  # p.UserInfo

    def __init__(self, link: EngineLink, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.link = link
        self.setObjectName("LockPanel")
        # A refused sign-in's wait, counted down on screen once a second.
        self._wait = QtCore.QTimer(self, interval=1000)
        self._wait.timeout.connect(self._tick)
        self._wait_until = QtCore.QDeadlineTimer()

        logo = QtWidgets.QLabel()
        logo.setPixmap(icon("hntai").pixmap(72, 72))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QtWidgets.QLabel("Sign in to HNTAI")
        self.title.setProperty("role", "title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.subtitle = QtWidgets.QLabel("Clinical documents stay on this workstation, encrypted.")
        self.subtitle.setProperty("role", "subtitle")
        self.subtitle.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.username = QtWidgets.QLineEdit(placeholderText="User name")
        self.username.setAccessibleName("User name")
        self.password = QtWidgets.QLineEdit(placeholderText="Password")
        self.password.setEchoMode(QtWidgets.QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.button = button("Sign in", "", self.submit)
        self.button.setProperty("primary", True)
        self.button.setDefault(True)
        self.message = QtWidgets.QLabel("")
        self.message.setProperty("role", "error")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setAccessibleName("Sign-in message")

        form = QtWidgets.QVBoxLayout()
        for widget in (logo, self.title, self.subtitle):
            form.addWidget(widget)
        form.addSpacing(16)
        for widget in (self.username, self.password, self.button, self.message):
            form.addWidget(widget)
        box = QtWidgets.QWidget()
        box.setLayout(form)
        box.setFixedWidth(360)
        outer = QtWidgets.QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

        self.password.returnPressed.connect(self.submit)
        self.username.returnPressed.connect(self.password.setFocus)
        self.set_engine_ready(False)

    def set_engine_ready(self, ready: bool) -> None:
        self.button.setEnabled(ready and not self._wait.isActive())
        if not ready:
            set_role(self.message, "subtitle")  # news, not an error
            self.message.setText("Starting the engine…")
        elif self.message.text() == "Starting the engine…":
            self.message.setText("")

    def show_locked(self, username: str) -> None:
        """The idle lock: the same user signs back in; jobs keep running meanwhile."""
        self.title.setText("HNTAI is locked")
        self.subtitle.setText(f"Locked for {username}. Jobs keep running.")
        self.username.setText(username)
        self.password.clear()
        self.message.setText("")
        self.password.setFocus()

    def submit(self) -> None:
        if not self.button.isEnabled():
            return
        name, password = self.username.text().strip(), self.password.text()
        if not name or not password:
            self.say("Enter your user name and password.")
            return
        self.button.setEnabled(False)
        set_role(self.message, "subtitle")
        self.message.setText("Signing in…")
        self.link.call(p.Unlock(username=name, password=password)) \
            .success(self._accepted).failure(self._refused).run()

    def _accepted(self, user: p.UserInfo) -> None:
        self.password.clear()
        self.message.setText("")
        self.button.setEnabled(True)
        self.logged_in.emit(user)

    def _refused(self, error: p.ErrorInfo) -> None:
        self.password.clear()
        self.password.setFocus()
        wait = float(error.details.get("retry_after_s", 0) or 0)
        if error.code == "AUTH_FAILED" and wait > 0:
            self._wait_until = QtCore.QDeadlineTimer(int(wait * 1000))
            self._wait.start()
            self._tick()
            return
        if error.code == "AUTH_FAILED":
            self.say("That user name and password did not match. Please try again.")
        else:
            self.say(f"{error.message} ({error.code})")
        self.button.setEnabled(True)

    def _tick(self) -> None:
        """The seconds left of the wait, rounded up; at none, the button comes back."""
        left = -(-self._wait_until.remainingTime() // 1000)
        if left > 0:
            self.say(f"Too many attempts. Try again in {left} second{'s' * (left != 1)}.")
            return
        self._wait.stop()
        self.button.setEnabled(self.link.running)
        self.message.setText("")

    def say(self, text: str) -> None:
        """An error line under the form."""
        set_role(self.message, "error")
        self.message.setText(text)
