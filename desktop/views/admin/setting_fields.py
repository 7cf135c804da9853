"""How each setting is labelled, bounded and edited in the settings tab."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop.qt import QtWidgets
from engine.policy import SCRUB_POLICIES  # a plain list; importing it loads no store


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
