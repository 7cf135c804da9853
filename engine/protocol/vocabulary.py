"""The words both sides use: protocol version, job stages, summary sections, the file
types a front end may offer, roles and permissions, job kinds and states, scrub policies,
and how an error crosses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from engine.errors import HntaiError, error_from_code

PROTOCOL_VERSION = 1

# The named stages of a document job, in order (progress events carry one of them).
DOCUMENT_STAGES = ("extract", "scrub", "clinical", "store")

# Summary sections in display order, with their titles (stored summaries use these keys).
SUMMARY_SECTIONS: Mapping[str, str] = {
    "overview": "Overview", "active_problems": "Active problems",
    "possible_problems": "Possible problems (not confirmed)", "medications": "Medications",
    "stopped_medications": "Stopped medications",
    "allergies": "Allergies", "labs_vitals": "Key labs and vitals", "procedures": "Procedures",
    "timeline": "Timeline", "plan": "Plan and follow-up", "checks": "Checks",
}

# File types a front end may offer to submit. The engine decides by content, not by name;
# this list only lets the desktop refuse an obvious wrong file before it is queued.
DOCUMENT_SUFFIXES: Mapping[str, str] = {
    ".pdf": "PDF", ".docx": "Word document", ".txt": "text", ".text": "text", ".md": "text",
    ".csv": "text", ".json": "EHR / FHIR JSON", ".xml": "C-CDA XML",
    ".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image", ".tiff": "image",
    ".gif": "image", ".webp": "image",
    ".wav": "audio", ".flac": "audio", ".mp3": "audio", ".m4a": "audio", ".ogg": "audio",
}



# str-valued enums: they compare equal to, store as and print in JSON as their plain values,
# so the store, the CLI's JSON and older callers passing strings keep working.

class _Word(str, Enum):
    """Formats as its plain value, as ``enum.StrEnum`` does (Python 3.11+): the CLI's text
    output, audit rows and messages show a value, not its member name (Role.CLERK)."""

    def __str__(self) -> str:
        return self.value


class Role(_Word):
    ADMIN = "admin"
    CLINICIAN = "clinician"
    CLERK = "clerk"


class Permission(_Word):
    DOCUMENT_SUBMIT = "document.submit"
    DOCUMENT_LIST = "document.list"
    DOCUMENT_READ = "document.read"  # scrubbed text and extracted data
    RECORD_LIST = "record.list"
    RECORD_FIND = "record.find"  # by MRN: the front desk files documents under the right record
    RECORD_LABEL = "record.label"
    RECORD_MRN = "record.mrn"  # link an MRN to a record that has none
    RECORD_MRN_CHANGE = "record.mrn_change"  # replace or remove a linked MRN: moves identity
    JOB_VIEW = "job.view"
    JOB_CONTROL = "job.control"
    SUMMARY_CREATE = "summary.create"
    EXPORT = "export"
    AUDIT_READ = "audit.read"
    USER_ADMIN = "user.admin"
    SETTINGS_WRITE = "settings.write"
    MODELS_ADMIN = "models.admin"


_CLERK = frozenset({
    Permission.DOCUMENT_SUBMIT, Permission.DOCUMENT_LIST, Permission.RECORD_LIST,
    Permission.RECORD_FIND, Permission.RECORD_LABEL, Permission.RECORD_MRN,
    Permission.JOB_VIEW, Permission.JOB_CONTROL,
})
_CLINICIAN = _CLERK | {Permission.DOCUMENT_READ, Permission.RECORD_MRN_CHANGE,
                       Permission.SUMMARY_CREATE, Permission.EXPORT}

# What each role may do. The engine enforces it on every request; front ends only read it
# (``UserInfo.permissions``) to hide what would be refused.
ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    Role.CLERK: _CLERK,
    Role.CLINICIAN: _CLINICIAN,
    Role.ADMIN: frozenset(Permission),
}


class JobKind(_Word):
    PROCESS_DOCUMENT = "process_document"
    SUMMARIZE = "summarize"
    DICTATION = "dictation"


class JobState(_Word):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def terminal(self) -> bool:
        return self in (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)


class ScrubPolicy(_Word):
    SURROGATE = "surrogate"  # realistic fakes, consistent within a record, dates shifted
    REDACT = "redact"  # typed tags such as [NAME]
    SAFE_HARBOR = "safe_harbor"  # dates to the year, ZIP to 3 digits, ages over 89 to 90+


@dataclass(frozen=True)
class ErrorInfo:
    code: str
    message: str
    details: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, exc: HntaiError) -> ErrorInfo:
        return cls(exc.code.value, exc.message, dict(exc.details))

    def to_exception(self) -> HntaiError:
        return error_from_code(self.code, self.message, dict(self.details))
