"""Messages crossing the queue between a client (desktop, CLI, tests) and the engine.

Only plain, picklable data crosses: frozen dataclasses of str/int/float/bool/tuples/dicts.
Every request gets exactly one ``Reply`` carrying either a value or an ``ErrorInfo``; job
progress arrives as separate events. The engine says ``EngineReady`` first (version
handshake).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from enum import Enum
from functools import lru_cache
from operator import itemgetter
from typing import Any, NamedTuple, overload

from engine.errors import HntaiError, InvalidRequest, error_from_code

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


# --- settings schema ----------------------------------------------------------------------
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
    role: Role = Role.CLINICIAN
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
    kind: JobKind
    state: JobState
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
    role: Role
    disabled: bool

    @property
    def permissions(self) -> frozenset[Permission]:
        """What this user may do: the table the engine enforces, so that a front end hides
        what would be refused instead of deciding it again (derived, not a field: the CLI's
        JSON of a user stays as it was)."""
        return ROLE_PERMISSIONS[Role(self.role)]


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
    memory: MemoryInfo
    versions: Mapping[str, str]
    models: tuple[ModelStatus, ...]  # the loaded ones
    ocr_available: bool
    metrics: str = ""  # Prometheus text format
    initialized: bool = True  # False until ``hntai init`` (or the first-run wizard) ran


# --- replies: summaries, models, audit, store, dictation ----------------------------------
# A summary's content is stored as JSON, its shape grown over versions: ``from_plain`` reads
# any stored version (keys it lacks take their defaults), ``to_plain`` gives back the JSON
# form the CLI prints, key for key.

@dataclass(frozen=True, slots=True)
class MemoryInfo:
    total_bytes: int
    available_bytes: int
    used_percent: float
    engine_rss_bytes: int
    device: str = "cpu"  # where the manager would place models: "cuda" or "cpu"
    vram_total_bytes: int | None = None
    vram_free_bytes: int | None = None


@dataclass(frozen=True, slots=True)
class ModelStatus:
    """A loaded model."""

    name: str
    task: str
    backend: str
    device: str
    memory_bytes: int
    leases: int  # jobs holding it; a leased model is never evicted
    idle_s: float
    loaded_s: float  # seconds since it was loaded


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """A model of models_config.json as this machine has it."""

    name: str
    task: str
    backend: str
    is_default: bool
    installed: bool  # its files are on this machine
    chain: int | None  # its place in its task's fallback chain; None when the chain skips it
    loaded: ModelStatus | None = None

    def to_plain(self) -> dict[str, Any]:
        """The loaded model's fields beside the others, as ``models list`` prints them."""
        return {"name": self.name, "task": self.task, "backend": self.backend,
                "is_default": self.is_default, "loaded": self.loaded is not None,
                "installed": self.installed, "chain": self.chain,
                **(asdict(self.loaded) if self.loaded else {})}


@dataclass(frozen=True, slots=True)
class ModelImport:
    models: tuple[str, ...]  # the names registered
    files: int
    bytes: int


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a summary statement comes from: a span of a document's scrubbed text."""

    document_id: str
    start: int
    end: int
    term: str | None = None  # summaries stored before the fact table named the matched term

    @classmethod
    def from_plain(cls, plain: Mapping[str, Any]) -> Citation:
        return cls(plain["document_id"], plain["start"], plain["end"], plain.get("term"))

    def to_plain(self) -> dict[str, Any]:
        out: dict[str, Any] = {"document_id": self.document_id, "start": self.start,
                               "end": self.end}
        return out if self.term is None else {**out, "term": self.term}


@dataclass(frozen=True, slots=True)
class SummaryItem:
    """One line of a summary section, with where it comes from."""

    text: str
    citations: tuple[Citation, ...] = ()
    source: str | None = None  # a guideline check: where its rule is from …
    uses: tuple[str, ...] = ()  # … and the facts it used, in words
    # The rest as stored (fact number, status, date, abnormal flag, rule, generated, …):
    # their keys differ by section and version, and the JSON form must keep them as they are.
    more: Mapping[str, Any] = field(default_factory=dict)

    _TYPED = ("text", "citations", "source", "uses")

    @classmethod
    def from_plain(cls, plain: Mapping[str, Any]) -> SummaryItem:
        return cls(str(plain.get("text", "")),
                   tuple(map(Citation.from_plain, plain.get("citations") or ())),
                   plain.get("source"), tuple(map(str, plain.get("uses") or ())),
                   {k: v for k, v in plain.items() if k not in cls._TYPED})

    def to_plain(self) -> dict[str, Any]:
        check = {"source": self.source, "uses": list(self.uses)} \
            if self.source is not None else {}
        return {"text": self.text, "citations": [c.to_plain() for c in self.citations],
                **check, **self.more}


@dataclass(frozen=True, slots=True)
class Grounding:
    """What the check of the model's statements did."""

    supported: int = 0  # statements shown
    unsupported: int = 0  # claims that failed the check
    dropped: int = 0  # statements left out
    statements: int | None = None  # statements the model wrote (not counted before 2026-12)
    outcome: str | None = None  # "none" | "checked" | "timeout" | "unreadable"

    @classmethod
    def from_plain(cls, plain: Mapping[str, Any]) -> Grounding:
        return cls(plain.get("supported", 0), plain.get("unsupported", 0),
                   plain.get("dropped", 0), plain.get("statements"), plain.get("outcome"))

    def to_plain(self) -> dict[str, Any]:
        out = {"supported": self.supported, "unsupported": self.unsupported,
               "dropped": self.dropped}
        later = {"statements": self.statements, "outcome": self.outcome}
        return {**out, **{k: v for k, v in later.items() if v is not None}}


@dataclass(frozen=True, slots=True)
class PassedOver:
    model: str
    reason: str  # "not installed" | "could not be loaded"


@dataclass(frozen=True, slots=True)
class SummaryChoice:
    """The model that wrote the overview ("extractive": none did) and those passed over."""

    model: str
    skipped: tuple[PassedOver, ...] = ()

    @classmethod
    def from_plain(cls, plain: Mapping[str, Any]) -> SummaryChoice:
        return cls(plain["model"], tuple(PassedOver(s["model"], s["reason"])
                                         for s in plain.get("skipped") or ()))

    def to_plain(self) -> dict[str, Any]:
        return {"model": self.model, "skipped": [asdict(s) for s in self.skipped]}


@dataclass(frozen=True, slots=True)
class SummaryContent:
    model: str = ""
    sections: Mapping[str, tuple[SummaryItem, ...]] = field(default_factory=dict)
    narrative: str = ""  # the model's statements that passed the check
    grounding: Grounding = Grounding()
    markdown: str = ""
    # Kept since the fact table (None in older summaries):
    facts: tuple[Mapping[str, Any], ...] | None = None  # the numbered facts, as stored
    footer: str | None = None  # what happened to the overview, in plain words
    choice: SummaryChoice | None = None

    @classmethod
    def from_plain(cls, plain: Mapping[str, Any]) -> SummaryContent:
        facts, choice = plain.get("facts"), plain.get("choice")
        return cls(
            plain.get("model", ""),
            {name: tuple(map(SummaryItem.from_plain, items or ()))
             for name, items in (plain.get("sections") or {}).items()},
            plain.get("narrative", ""), Grounding.from_plain(plain.get("grounding") or {}),
            plain.get("markdown", ""), None if facts is None else tuple(facts),
            plain.get("footer"), None if choice is None else SummaryChoice.from_plain(choice))

    def to_plain(self) -> dict[str, Any]:
        out = {"model": self.model,
               "sections": {name: [i.to_plain() for i in items]
                            for name, items in self.sections.items()},
               "narrative": self.narrative, "grounding": self.grounding.to_plain(),
               "markdown": self.markdown}
        later = {"facts": None if self.facts is None else list(self.facts),
                 "footer": self.footer,
                 "choice": None if self.choice is None else self.choice.to_plain()}
        return {**out, **{k: v for k, v in later.items() if v is not None}}


@dataclass(frozen=True, slots=True)
class StoredSummary:
    id: str
    record_id: str | None
    document_ids: tuple[str, ...]
    model: str
    markdown: str
    content: SummaryContent
    created_at: str
    stand_ins: tuple[StandIn, ...] = ()  # the record's replaced values, to mark in the text


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    timestamp: str
    user_id: str | None
    action: str
    resource_type: str | None
    resource_id: str | None
    phi_accessed: bool
    workstation: str
    request_data: str  # JSON; never PHI
    response_status: str
    error_message: str | None
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class BackupManifest:
    """What a backup holds, as written into it and checked on restore."""

    format: int
    created_at: str
    schema_version: int
    audit_entries: int
    audit_head: str
    db_bytes: int
    db_sha256: str
    keyslots_sha256: str


@dataclass(frozen=True, slots=True)
class RestoreResult:
    backup: BackupManifest
    restored: bool  # False: only checked
    replaced: str | None  # the folder the replaced store's files were moved to

    def to_plain(self) -> dict[str, Any]:
        """The manifest's fields beside the outcome, as ``restore`` prints them."""
        return {**asdict(self.backup), "restored": self.restored, "replaced": self.replaced}


@dataclass(frozen=True, slots=True)
class DictationResult:
    text: str  # the whole dictation, spoken commands applied
    job: JobInfo | None  # the job storing it, when it was saved


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
    """Made by the client when it found the engine dead and started a new one, or, with
    ``gave_up``, when it stopped trying (restart limit reached, or the store taken by another
    engine): this client has no engine any more."""

    reason: str
    restarts: int
    gave_up: bool = False
