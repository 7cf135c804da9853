"""One editor per setting, built from its ``engine.protocol.SETTINGS_SCHEMA`` entry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desktop.qt import QtWidgets
from engine import protocol as p


class SettingField:
    """The editor for one setting key: a list of its choices, a bounded number or a line of
    text, by what its schema entry declares."""

    def __init__(self, key: str, value: Any, changed: Callable[[], None]) -> None:
        self.key = key
        self.spec = p.SETTINGS_SCHEMA[key]
        self.widget = self._make(value, changed)
        self.widget.setAccessibleName(self.spec.label)
        self.widget.setToolTip(f"{self.spec.help} ({key})")

    def _make(self, value: Any, changed: Callable[[], None]) -> QtWidgets.QWidget:
        spec = self.spec
        if spec.choices:
            box = QtWidgets.QComboBox()
            for choice, text in spec.choices.items():
                box.addItem(text, choice)
            box.currentIndexChanged.connect(changed)
            self._get = box.currentData
            self._set = lambda v: box.setCurrentIndex(box.findData(v))
        elif spec.type is int:
            box = QtWidgets.QSpinBox()
            # a value stored before the store checked ranges is shown as it is, not clipped
            box.setRange(min(spec.minimum, value), max(spec.maximum, value))
            box.setSuffix(spec.suffix)
            box.setSpecialValueText(spec.zero_text)
            box.setGroupSeparatorShown(True)
            box.valueChanged.connect(changed)
            self._get, self._set = box.value, box.setValue
        else:
            box = QtWidgets.QLineEdit()
            box.textChanged.connect(changed)
            self._get, self._set = box.text, box.setText
        self._set(value)
        return box

    def value(self) -> Any:
        return self._get()

    def set_value(self, value: Any) -> None:
        self._set(value)
