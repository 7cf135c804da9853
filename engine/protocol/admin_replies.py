"""What the engine answers about summaries, models, the audit log, backups, dictation and
its own status."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from engine.protocol.replies import JobInfo, StandIn

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
