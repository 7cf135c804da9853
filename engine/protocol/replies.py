"""What the engine answers about jobs, users, records, documents and their clinical facts."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import Any, NamedTuple, overload

from engine.protocol.vocabulary import (
    ROLE_PERMISSIONS,
    ErrorInfo,
    JobKind,
    JobState,
    Permission,
    Role,
)


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
