"""Every store setting, declared once: type, default, range or choices, label and help."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.errors import InvalidRequest
from engine.protocol.vocabulary import ScrubPolicy

# Every store setting, declared once: the store takes its defaults from here and checks every
# write against it (type, range, choices); the admin view renders its labels, help, ranges and
# choice labels from here. A setting's section is the first part of its key.

SETTING_SECTIONS: Mapping[str, str] = {
    "scrub": "De-identification", "phi": "Site lexicon", "limits": "Input limits",
    "ocr": "Text recognition (OCR)", "jobs": "Jobs", "security": "Security",
    "retention": "Retention", "display": "Review display",
}


@dataclass(frozen=True, slots=True)
class SettingSpec:
    key: str
    type: type  # int or str (what the admin view has editors for); a bool is no int here
    default: Any
    label: str
    help: str
    minimum: int | None = None
    maximum: int | None = None
    choices: Mapping[str, str] = field(default_factory=dict)  # value -> its label, in order
    suffix: str = ""  # the unit shown after a number, e.g. " MB"
    zero_text: str = ""  # shown instead of 0 when 0 has a meaning of its own
    pattern: str = ""  # a text value must match it whole (what the engine can use)
    pattern_text: str = ""  # the pattern said for people, in the refusal

    @property
    def section(self) -> str:
        return self.key.split(".")[0]

    def check(self, value: Any) -> None:
        """Refuse a value of the wrong type, outside the range or not among the choices. The
        error names the key and what is allowed, never the value (it is whatever was typed)."""
        if not isinstance(value, self.type) or isinstance(value, bool):
            raise InvalidRequest("setting has the wrong type",
                                 {"key": self.key, "type": self.type.__name__})
        if self.choices and value not in self.choices:
            raise InvalidRequest("setting value is not one of the choices",
                                 {"key": self.key, "choices": list(self.choices)})
        if self.pattern and not re.fullmatch(self.pattern, value):
            raise InvalidRequest(f"setting must be {self.pattern_text}", {"key": self.key})
        if self.minimum is not None and self.maximum is not None \
                and not self.minimum <= value <= self.maximum:
            raise InvalidRequest(
                f"setting must be from {self.minimum:,} to {self.maximum:,}{self.suffix}",
                {"key": self.key, "minimum": self.minimum, "maximum": self.maximum})


SETTINGS_SCHEMA: Mapping[str, SettingSpec] = {spec.key: spec for spec in (
    SettingSpec(
        "scrub.policy", str, ScrubPolicy.SURROGATE.value, "Scrub policy",
        "How identifiers in documents are replaced",
        choices={ScrubPolicy.SURROGATE.value: "Surrogate — realistic stand-ins",
                 ScrubPolicy.REDACT.value: "Redact — [TYPE] markers",
                 ScrubPolicy.SAFE_HARBOR.value: "Safe Harbor — HIPAA identifiers removed"}),
    SettingSpec(  # an absolute path, checked by the store (it reads the file); "" = none
        "phi.site_lexicon", str, "", "Site lexicon file",
        "The site's facility, ward and town names and clinician roster, removed as well: a "
        "UTF-8 file, one term<TAB>NAME|ORGANIZATION|LOCATION a line"),
    SettingSpec(
        "limits.max_file_mb", int, 200, "Largest file", "Bigger files are refused",
        minimum=1, maximum=100_000, suffix=" MB"),
    SettingSpec(
        "limits.max_pages", int, 2000, "Most pages", "Documents with more pages are refused",
        minimum=1, maximum=1_000_000),
    SettingSpec(
        "limits.max_image_megapixels", int, 100, "Largest image", "Bigger images are refused",
        minimum=1, maximum=10_000, suffix=" megapixels"),
    SettingSpec(
        "limits.max_docx_uncompressed_mb", int, 500, "Largest Word document (unpacked)",
        "Guards against zip bombs", minimum=1, maximum=100_000, suffix=" MB"),
    SettingSpec(
        "limits.max_text_million_chars", int, 20, "Most text per document",
        "Documents holding more text are refused (1 million characters is about 500 pages)",
        minimum=1, maximum=1_000, suffix=" million characters"),
    SettingSpec(  # what one job may use; readers size their work by it
        "limits.job_memory_mb", int, 1024, "Memory per job",
        "What one document's reading may use; bigger inputs are read in parts or refused",
        minimum=256, maximum=65_536, suffix=" MB"),
    SettingSpec(
        "ocr.dpi", int, 200, "Scan resolution",
        "Resolution pages are rendered at for text recognition",
        minimum=72, maximum=1200, suffix=" dpi"),
    SettingSpec(
        "ocr.lang", str, "eng", "Languages", "Tesseract language codes, e.g. eng or eng+deu",
        pattern=r"[A-Za-z][A-Za-z0-9_]*(\+[A-Za-z][A-Za-z0-9_]*)*",
        pattern_text="Tesseract language names joined by +"),
    SettingSpec(
        "jobs.timeout_s", int, 1800, "Job time limit", "A job running longer is stopped",
        minimum=5, maximum=86_400, suffix=" s"),
    SettingSpec(
        "jobs.max_attempts", int, 3, "Attempts per job",
        "How often a job is tried after an engine crash", minimum=1, maximum=20),
    SettingSpec(
        "security.idle_lock_minutes", int, 10, "Lock after idle",
        "The window locks after this long without input", minimum=1, maximum=1440,
        suffix=" min"),
    SettingSpec(  # how long documents are kept (IT policy)
        "retention.days", int, 0, "Keep documents for", "Documents older than this are removed",
        minimum=0, maximum=36_500, suffix=" days", zero_text="keep forever"),
    SettingSpec(  # display only: the stored text is unchanged
        "display.replaced_values", str, "tags", "Replaced values",
        "How documents and summaries show replaced names, numbers and dates (the stored text "
        "is the same either way)",
        choices={"tags": "Typed tags — [NAME], [PHONE], dates marked shifted",
                 "stand-ins": "Stand-ins — invented values in a badge"}),
)}


def setting_spec(key: str) -> SettingSpec:
    """The declared setting, or INVALID_REQUEST naming the unknown key."""
    spec = SETTINGS_SCHEMA.get(key)
    if spec is None:
        raise InvalidRequest("unknown setting", {"key": key})
    return spec


@dataclass(frozen=True)
class SettingsInfo:
    """Every setting in force (the reply to GetSettings), in schema order, and the keys the
    machine policy fixes (a write to one of them is refused)."""

    values: Mapping[str, Any]
    fixed: frozenset[str] = frozenset()
