"""What a client may ask the engine: one frozen dataclass per request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.protocol.vocabulary import Role


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
