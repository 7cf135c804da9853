"""Messages crossing the queue between a client (desktop, CLI, tests) and the engine.

Only plain, picklable data crosses: frozen dataclasses of str/int/float/bool/tuples/dicts.
Every request gets exactly one ``Reply`` carrying either a value or an ``ErrorInfo``; job
progress arrives as separate events. The engine says ``EngineReady`` first (version
handshake).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from operator import itemgetter
from typing import Any, NamedTuple, overload

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



# --- vocabulary shared by both sides ------------------------------------------------------
# str-valued enums: they compare equal to, store as and print in JSON as their plain values,
# so the store, the CLI's JSON and older callers passing strings keep working.

class Role(str, Enum):
    ADMIN = "admin"
    CLINICIAN = "clinician"
    CLERK = "clerk"


class Permission(str, Enum):
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


class JobKind(str, Enum):
    PROCESS_DOCUMENT = "process_document"
    SUMMARIZE = "summarize"
    DICTATION = "dictation"


class JobState(str, Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def terminal(self) -> bool:
        return self in (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)


class ScrubPolicy(str, Enum):
    SURROGATE = "surrogate"  # realistic fakes, consistent within a record, dates shifted
    REDACT = "redact"  # typed tags such as [NAME]
    SAFE_HARBOR = "safe_harbor"  # dates to the year, ZIP to 3 digits, ages over 89 to 90+

# --- errors -------------------------------------------------------------------------------

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


# --- requests -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Request:
    request_id: int = 0  # set by the client


@dataclass(frozen=True)
class InitStore(Request):
    admin: str = ""
    password: str = field(default="", repr=False)


@dataclass(frozen=True)
class Unlock(Request):
    username: str = ""
    password: str = field(default="", repr=False)


@dataclass(frozen=True)
class UnlockWithRecovery(Request):
    username: str = ""
    recovery_key: str = field(default="", repr=False)


@dataclass(frozen=True)
class Lock(Request):
    pass


@dataclass(frozen=True)
class AddUser(Request):
    username: str = ""
    role: str = "clinician"
    password: str = field(default="", repr=False)


@dataclass(frozen=True)
class DisableUser(Request):
    username: str = ""
    disabled: bool = True


@dataclass(frozen=True)
class SetPassword(Request):
    username: str = ""
    password: str = field(default="", repr=False)


@dataclass(frozen=True)
class ListUsers(Request):
    pass


@dataclass(frozen=True)
class ProcessDocument(Request):
    path: str = ""
    record_id: str | None = None
    priority: int = 0


@dataclass(frozen=True)
class ShowableNames(Request):
    """File names as a window may show them (a refusal notice): each name, or None where
    it may identify a patient (engine/documents/file_names.py)."""
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class CancelJob(Request):
    job_id: str = ""


@dataclass(frozen=True)
class RetryJob(Request):
    job_id: str = ""


@dataclass(frozen=True)
class GetJob(Request):
    job_id: str = ""


@dataclass(frozen=True)
class ListJobs(Request):
    limit: int = 200
    states: tuple[str, ...] = ()


@dataclass(frozen=True)
class ListRecords(Request):
    pass


@dataclass(frozen=True)
class FindRecord(Request):
    """The record linked to this MRN (exact match), or None; the MRN is never stored."""

    mrn: str = field(default="", repr=False)


@dataclass(frozen=True)
class SetRecordMrn(Request):
    """Link a record and the patient's MRN (only a keyed hash is kept); "" unlinks."""

    record_id: str = ""
    mrn: str = field(default="", repr=False)


@dataclass(frozen=True)
class SetRecordLabel(Request):
    """A free label for lists ("" clears it); it must not hold identifiers."""

    record_id: str = ""
    label: str = field(default="", repr=False)


@dataclass(frozen=True)
class ListDocuments(Request):
    record_id: str | None = None


@dataclass(frozen=True)
class GetDocument(Request):
    """Read a document's scrubbed content (``DocumentContent``; audited as a PHI-bearing
    read). ``part`` "text" leaves the extraction out, "extraction" the text, spans and pages:
    a long document's extraction is most of its content, and the review view needs it only
    in its own tab. "facts" is "extraction" with the document's replaced values
    (``stand_ins``), for the clinical tables."""

    document_id: str = ""
    part: str = "all"  # "all" | "text" | "extraction" | "facts"


@dataclass(frozen=True)
class GetRecordFacts(Request):
    """The extracted facts of every document of a record (``RecordFacts``), each entity with
    its ``document_id`` (and its span in that document's text), the documents oldest first,
    and the record's replaced values (``stand_ins``, so that a view can mark them). Audited
    once, as one read of the record. ``entities`` False: the documents and replaced values
    only (what a summary's stream needs to mark its stand-ins)."""

    record_id: str = ""
    entities: bool = True


@dataclass(frozen=True)
class GetStatus(Request):
    pass


@dataclass(frozen=True)
class GetSettings(Request):
    pass


@dataclass(frozen=True)
class PutSetting(Request):
    key: str = ""
    value: Any = None


@dataclass(frozen=True)
class GetSiteLexicon(Request):
    """How many site lexicon terms the scrubber uses now (setting phi.site_lexicon)."""


@dataclass(frozen=True)
class AuditVerify(Request):
    pass


@dataclass(frozen=True)
class AuditExport(Request):
    fmt: str = "jsonl"


@dataclass(frozen=True)
class Summarize(Request):
    """Summarize a record (all its documents) or the listed documents, as a job."""

    record_id: str | None = None
    document_ids: tuple[str, ...] = ()
    model: str | None = None
    use_model: bool = True
    use_cache: bool = True
    priority: int = 0


@dataclass(frozen=True)
class GetSummary(Request):
    summary_id: str = ""


@dataclass(frozen=True)
class Export(Request):
    """A document or record's extracted data as a FHIR R4 Bundle or plain JSON (audited)."""

    target_id: str = ""
    fmt: str = "fhir"


@dataclass(frozen=True)
class ListModels(Request):
    pass


@dataclass(frozen=True)
class LoadModel(Request):
    name: str = ""


@dataclass(frozen=True)
class UnloadModel(Request):
    name: str = ""


@dataclass(frozen=True)
class ImportModels(Request):
    """Verify a provisioned model bundle and register its models on this machine (admin)."""

    path: str = ""


@dataclass(frozen=True)
class StartDictation(Request):
    """Open a live dictation session; audio follows as DictationAudio frames."""


@dataclass(frozen=True)
class DictationAudio(Request):
    session_id: str = ""
    pcm16: bytes = b""  # 16 kHz mono signed 16-bit little-endian


@dataclass(frozen=True)
class StopDictation(Request):
    """End the session; with ``save`` the text becomes a stored document (login needed)."""

    session_id: str = ""
    save: bool = False
    record_id: str | None = None


@dataclass(frozen=True)
class SaveDictation(Request):
    """Store dictated text (as edited by the clinician) as a document (login needed)."""

    text: str = field(default="", repr=False)
    record_id: str | None = None


@dataclass(frozen=True)
class ListAudit(Request):
    """Audit entries for the viewer, newest first (admin only); empty filters match all."""

    user_id: str | None = None
    action: str | None = None
    since: str | None = None
    until: str | None = None
    limit: int = 500


@dataclass(frozen=True)
class Shutdown(Request):
    pass


@dataclass(frozen=True)
class BackupStore(Request):
    """Write an encrypted, checked copy of the store and its key slots to ``path`` (admin)."""

    path: str = ""


@dataclass(frozen=True)
class RestoreStore(Request):
    """Check a backup (hashes, key, integrity, audit chain) and, unless ``check_only``, make
    it the store. ``username``/``password`` are those of an admin account in the backup."""

    path: str = ""
    username: str = ""
    password: str = field(default="", repr=False)
    check_only: bool = False


# --- values carried in replies ------------------------------------------------------------

@dataclass(frozen=True)
class JobInfo:
    id: str
    kind: str
    state: str
    priority: int
    attempts: int
    stage: str | None
    source_name: str | None
    created_at: str
    finished_at: str | None
    result: Mapping[str, Any] | None
    error: ErrorInfo | None
    record_id: str | None = None


@dataclass(frozen=True)
class StandIn:
    """A value the scrubber wrote in place of an identifier (never an original value)."""

    type: str
    text: str


@dataclass(frozen=True)
class UserInfo:
    username: str
    role: str
    disabled: bool


@dataclass(frozen=True)
class SiteLexiconInfo:
    terms: int  # every term matched: the file's and the user names'
    listed: int  # from the site lexicon file
    from_users: int  # staff names taken from the store's user names


@dataclass(frozen=True)
class InitResult:
    admin: str
    recovery_key: str = field(repr=False)


@dataclass(frozen=True)
class AuditVerifyInfo:
    ok: bool
    entries: int
    first_broken_id: int | None
    reason: str | None


# --- replies: records, documents and clinical facts ---------------------------------------

@dataclass(frozen=True)
class RecordInfo:
    """What lists show of a record: never its secret, never an identifier."""

    id: str
    pseudonym: str
    label: str | None
    mrn_linked: bool
    created_at: str
    document_count: int


@dataclass(frozen=True)
class DocumentInfo:
    """A stored document's description, without its content."""

    id: str
    record_id: str
    job_id: str | None
    source_name: str  # the name HNTAI keeps (engine/documents/file_names.py)
    sha256: str
    kind: str
    mime: str
    size_bytes: int
    page_count: int
    ocr_pages: int
    status: str
    created_at: str


class PhiSpan(NamedTuple):
    """A replaced value's place in the scrubbed text (never the original value)."""

    type: str
    start: int
    end: int


_BY_START = itemgetter(1)


@dataclass(frozen=True)
class PhiSpans(Sequence[PhiSpan]):
    """A document's PHI spans in text order, kept as rows of plain values ``(type, start,
    end)`` and read as ``PhiSpan``. Rows, not an object each: a long document has tens of
    thousands, which as objects outlive the garbage collector's young passes in the window
    that keeps them and bring on full passes over its heap (each stalled it 100 ms and
    more); plain tuples drop out of its sight, and unpickle faster than dicts."""

    rows: tuple[tuple[str, int, int], ...] = ()

    @classmethod
    def of(cls, spans: Iterable[tuple[str, int, int]]) -> PhiSpans:
        return cls(tuple(sorted(map(tuple, spans), key=_BY_START)))

    @classmethod
    def from_plain(cls, rows: Iterable[Mapping[str, Any]]) -> PhiSpans:
        """From the rows the store keeps (``{"type", "start", "end"}``)."""
        return cls.of((row["type"], row["start"], row["end"]) for row in rows)

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> PhiSpan: ...

    @overload
    def __getitem__(self, index: slice) -> PhiSpans: ...

    def __getitem__(self, index: int | slice) -> PhiSpan | PhiSpans:
        if isinstance(index, slice):
            return PhiSpans(self.rows[index])
        return PhiSpan(*self.rows[index])

    def __iter__(self) -> Iterator[PhiSpan]:
        return map(PhiSpan._make, self.rows)

    @property
    def starts(self) -> list[int]:
        return [row[1] for row in self.rows]

    def counts(self) -> dict[str, int]:
        """How many spans of each PHI type."""
        return dict(Counter(row[0] for row in self.rows))


@dataclass(frozen=True)
class Page:
    """A source page (PDF page, form-feed page) as ``[start, end)`` of the scrubbed text."""

    number: int
    start: int
    end: int
    ocr: bool = False

    @classmethod
    def from_plain(cls, row: Mapping[str, Any]) -> Page:
        return cls(row["number"], row["start"], row["end"], bool(row.get("ocr")))


# Slots: a long document's tens of thousands of entities are half as many objects for the
# window's garbage collector to walk (each pass over them held its event loop).
@dataclass(frozen=True, slots=True)
class Code:
    system: str  # a FHIR system URI
    code: str
    display: str | None = None


@dataclass(frozen=True, slots=True)
class ClinicalEntity:
    """One mention of a clinical fact, as engine.clinical found it in the scrubbed text;
    in a record's facts also the document it is in."""

    type: str
    text: str
    start: int
    end: int
    assertion: str = "present"
    code: Code | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)
    section: str | None = None
    document_id: str | None = None

    @classmethod
    def from_plain(cls, row: Mapping[str, Any]) -> ClinicalEntity:
        """From the JSON form the engine stores and sends (``EntityChunks``)."""
        code = row.get("code")
        return cls(row["type"], row["text"], row["start"], row["end"],
                   row.get("assertion", "present"),
                   _code(code["system"], code["code"], code.get("display")) if code else None,
                   row.get("attributes") or {}, row.get("section"), row.get("document_id"))


@lru_cache(maxsize=4096)
def _code(system: str, code: str, display: str | None) -> Code:
    """One object per distinct code: a long document names the same few codes thousands of
    times, and each object more is more for the window's garbage collector to walk."""
    return Code(system, code, display)


ENTITY_CHUNK = 1000


@dataclass(frozen=True)
class EntityChunks:
    """Clinical entities as JSON text, ENTITY_CHUNK to a string. Tens of thousands of them as
    objects would all be decoded at once by the client's reader thread, holding a window's
    interpreter for as long (0.4 s); a window decodes one chunk per turn of its event loop."""

    count: int = 0
    chunks: tuple[str, ...] = ()

    @classmethod
    def of(cls, entities: Sequence[Mapping[str, Any]]) -> EntityChunks:
        return cls(len(entities), tuple(json.dumps(list(entities[at:at + ENTITY_CHUNK]))
                                        for at in range(0, len(entities), ENTITY_CHUNK)))

    def decoded(self) -> Iterator[tuple[ClinicalEntity, ...]]:
        """Each chunk's entities in turn, decoded when asked for."""
        for chunk in self.chunks:
            yield tuple(ClinicalEntity.from_plain(row) for row in json.loads(chunk))

    def all(self) -> tuple[ClinicalEntity, ...]:
        return tuple(entity for chunk in self.decoded() for entity in chunk)


@dataclass(frozen=True)
class TextSection:
    """A heading's part of the scrubbed text (``name``: hpi, pmh, medications, …)."""

    name: str
    title: str
    start: int
    end: int


@dataclass(frozen=True)
class Extraction:
    """A document's extracted clinical facts."""

    entities: EntityChunks = EntityChunks()
    sections: tuple[TextSection, ...] = ()
    no_known_allergies: bool = False

    @classmethod
    def from_plain(cls, stored: Mapping[str, Any]) -> Extraction:
        return cls(EntityChunks.of(stored.get("entities", ())),
                   tuple(TextSection(s["name"], s["title"], s["start"], s["end"])
                         for s in stored.get("sections", ())),
                   bool(stored.get("no_known_allergies")))


@dataclass(frozen=True)
class DocumentContent:
    """A document's scrubbed content (``GetDocument``); the parts not asked for are empty."""

    meta: DocumentInfo
    scrubbed_text: str | None = None  # None also when its text was withheld
    phi_spans: PhiSpans = PhiSpans()
    pages: tuple[Page, ...] = ()
    extraction: Extraction | None = None
    stand_ins: tuple[StandIn, ...] = ()  # part "facts": its replaced values, to mark them


@dataclass(frozen=True)
class RecordFacts:
    """Every document's facts of a record (``GetRecordFacts``): each entity with its
    ``document_id``, the documents oldest first, the record's replaced values."""

    record_id: str
    entities: EntityChunks
    no_known_allergies: bool
    documents: tuple[DocumentInfo, ...]
    stand_ins: tuple[StandIn, ...]


@dataclass(frozen=True)
class ExportResult:
    """A document's or record's extracted data (``Export``) as the JSON document written out:
    a FHIR R4 Bundle, or ``{"documents": [...]}`` for format "json"."""

    fmt: str
    content: Mapping[str, Any]
    entries: int  # the bundle's resources, or the documents for "json"


@dataclass(frozen=True)
class EngineStatus:
    engine_version: str
    protocol_version: int
    pid: int
    unlocked: bool
    user: str | None
    role: str | None
    store_ok: bool | None
    jobs: Mapping[str, int]
    memory: Mapping[str, Any]
    versions: Mapping[str, str]
    models: tuple[Mapping[str, Any], ...]
    ocr_available: bool
    metrics: str = ""  # Prometheus text format
    initialized: bool = True  # False until ``hntai init`` (or the first-run wizard) ran


# --- events -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Event:
    pass


@dataclass(frozen=True)
class EngineReady(Event):
    protocol_version: int
    engine_version: str
    pid: int


@dataclass(frozen=True)
class Reply(Event):
    request_id: int
    value: Any = None
    error: ErrorInfo | None = None


@dataclass(frozen=True)
class JobProgress(Event):
    job_id: str
    stage: str
    label: str
    value: int
    maximum: int
    # Facts a front end may show beside the label, e.g. {"model": …} once a summary's
    # model is chosen.
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class JobText(Event):
    """A piece of streamed output (summary tokens) for a running job."""

    job_id: str
    text: str


@dataclass(frozen=True)
class DictationPartial(Event):
    session_id: str
    text: str


@dataclass(frozen=True)
class DictationFinal(Event):
    session_id: str
    utterance: str
    text: str  # the whole dictation so far, spoken commands applied


@dataclass(frozen=True)
class JobFinished(Event):
    job_id: str
    result: Mapping[str, Any]


@dataclass(frozen=True)
class JobFailed(Event):
    job_id: str
    error: ErrorInfo


@dataclass(frozen=True)
class EngineRestarted(Event):
    """Made by the client when it found the engine dead and started a new one."""

    reason: str
    restarts: int
