"""The administration dialog (admin role): users, the audit log, models and settings.

Every tab talks to the engine through ``EngineLink`` only, and the engine checks the role on
every request: hiding this dialog from other roles is convenience, not protection.
"""

from __future__ import annotations

from desktop.engine_link import EngineLink
from desktop.qt import QtWidgets, Signal
from desktop.theme import icon
from desktop.views.admin.audit import AuditTab
from desktop.views.admin.models import ModelsTab
from desktop.views.admin.settings import SettingsTab
from desktop.views.admin.users import UsersTab
from desktop.widgets import MARGINS


class AdminDialog(QtWidgets.QDialog):
    """Opens empty: ``refresh()`` (each time it is shown) fetches every tab's data."""

    settings_changed = Signal(object)  # p.SettingsInfo after a successful save

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
