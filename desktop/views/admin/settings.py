"""The settings tab: every setting by section, saved key by key."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desktop.engine_link import EngineLink
from desktop.qt import Qt, QtWidgets, Signal
from desktop.views.admin.setting_fields import SettingField
from desktop.widgets import MARGINS, StatusLine, button
from engine import protocol as p


class SettingsTab(QtWidgets.QWidget):
    settings_changed = Signal(object)  # p.SettingsInfo after a save, as the engine holds it

    def __init__(self, link: EngineLink) -> None:
        super().__init__()
        self.link = link
        self.values: dict[str, Any] = {}
        self.fixed: frozenset[str] = frozenset()  # by the machine policy
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
        self.save_button = button("&Save", "Store the changed settings", self.save,
                                  shortcut="Ctrl+S")
        self.save_button.setProperty("primary", True)
        self.revert_button = button("Re&vert", "Throw away unsaved changes", self.refresh)
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

    def _show(self, info: p.SettingsInfo) -> None:
        self.values = dict(info.values)
        if set(info.values) != set(self.fields) or info.fixed != self.fixed:
            self.fixed = info.fixed
            self._build(info.values)
        for key, value in info.values.items():
            self.fields[key].set_value(value)
        self._update_buttons()

    def _build(self, values: Mapping[str, Any]) -> None:
        while self.form.count():
            item = self.form.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.fields = {}
        groups: dict[str, QtWidgets.QFormLayout] = {}
        order = list(p.SETTING_SECTIONS)
        # by section, then in the engine's own order (stable sort)
        for key in sorted(values, key=lambda k: order.index(p.SETTINGS_SCHEMA[k].section)):
            field = SettingField(key, values[key], self._update_buttons)
            section = field.spec.section
            if section not in groups:
                box = QtWidgets.QGroupBox(p.SETTING_SECTIONS[section])
                groups[section] = QtWidgets.QFormLayout(box)
                self.form.addWidget(box)
            label = QtWidgets.QLabel(field.spec.label + ":")
            label.setBuddy(field.widget)
            label.setMinimumWidth(230)  # one label column across all groups
            field.widget.setFixedWidth(260)
            hint = QtWidgets.QLabel(field.spec.help)
            if key in self.fixed:  # a change would be refused: say why instead
                field.widget.setEnabled(False)
                hint.setText(f"{field.spec.help}. Fixed by the machine policy.")
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
            self.settings_changed.emit(p.SettingsInfo(dict(self.values), self.fixed))
        if refused:
            reasons = "; ".join(self._refusal(k, e) for k, e in refused.items())
            done = f"Saved {len(saved)}. " if saved else ""
            self.status.bad(f"{done}Not saved: {reasons}")
        else:
            self.status.ok(f"Saved {len(saved)} setting{'s' * (len(saved) != 1)}.")
        self.refresh()  # show what the engine holds now (a refused key goes back)

    def _refusal(self, key: str, error: p.ErrorInfo) -> str:
        label = self.fields[key].spec.label
        where = error.details.get("policy")
        why = error.message.rstrip(".") + (f" ({where})" if where else "")
        return f"{label} ({key}): {why} [{error.code}]"
