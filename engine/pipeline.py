"""``process_document``: extract → scrub → clinical → store, as named stages of one job.

Only scrubbed text leaves this module: the extracted original text lives in memory for the
length of the job and is dropped; the store stage receives the scrubbed text, PHI spans
(types and offsets, no values) and the clinical extraction of the scrubbed text. Without a
scrubber the text is withheld entirely: metadata, hash and page count are all that is kept.
"""

from __future__ import annotations

import bisect
import hashlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from engine.documents import (
    ExtractedDocument,
    ExtractionLimits,
    PageText,
    detect_kind,
    extract_document,
)
from engine.documents.file_names import neutral_name, with_kind
from engine.documents.source import SourcePolicy, open_source
from engine.documents.structured import merge_coded
from engine.documents.vocabulary import keep_vocabulary
from engine.errors import FileNotFound
from engine.jobs.runner import JobContext, ResultWriter
from engine.paths import denied_roots
from engine.protocol import DOCUMENT_STAGES
from engine.store import Store, audit, documents, job_rows, records
from engine.store import settings as store_settings

STAGES = DOCUMENT_STAGES


class SpanLike(Protocol):
    @property
    def type(self) -> Any: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def orig_start(self) -> int: ...
    @property
    def orig_end(self) -> int: ...


class ScrubOutcome(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def spans(self) -> Sequence[SpanLike]: ...
    def counts(self) -> dict[str, int]: ...


ScrubFn = Callable[[str, str, bytes], ScrubOutcome]
"""(original text, policy name, record secret) → scrubbed text and spans."""

ClinicalFn = Callable[[str], Mapping[str, Any]]
"""Scrubbed text → the clinical extraction as plain JSON data."""

TranscribeFn = Callable[[Path, Callable[[], None]], ExtractedDocument]
"""An audio file (and the job's checkpoint) → its transcript as a document."""


def without_stand_ins(extraction: dict[str, Any], spans: Sequence[SpanLike]) -> dict[str, Any]:
    """The extraction less every entity inside a replaced span: a stand-in name that is also
    a brand ("Allegra") or a shifted date is no clinical fact of the patient's."""
    replaced = sorted((s.start, s.end) for s in spans)  # apart from each other
    starts = [start for start, _ in replaced]

    def stand_in(entity: Mapping[str, Any]) -> bool:
        before = bisect.bisect_left(starts, entity["end"])  # spans starting before its end
        return before > 0 and replaced[before - 1][1] > entity["start"]

    entities = extraction.get("entities", ())
    return {**extraction, "entities": [e for e in entities if not stand_in(e)]}


@dataclass(frozen=True)
class PipelineSettings:
    limits: ExtractionLimits
    scrub_policy: str

    @classmethod
    def from_store(cls, conn) -> PipelineSettings:
        """The settings in force in the readers' units; each value has the type its
        SETTINGS_SCHEMA entry declares (the store refuses any other)."""
        s = store_settings.all_settings(conn)
        mb = 1024 * 1024
        return cls(
            limits=ExtractionLimits(
                max_file_bytes=s["limits.max_file_mb"] * mb,
                max_pages=s["limits.max_pages"],
                max_image_pixels=s["limits.max_image_megapixels"] * 1_000_000,
                max_docx_uncompressed_bytes=s["limits.max_docx_uncompressed_mb"] * mb,
                max_text_chars=s["limits.max_text_million_chars"] * 1_000_000,
                ocr_dpi=s["ocr.dpi"],
                ocr_lang=s["ocr.lang"],
                memory_bytes=s["limits.job_memory_mb"] * mb,
            ),
            scrub_policy=s["scrub.policy"],
        )


def map_offset(offset: int, spans: Sequence[SpanLike]) -> int:
    """Where an offset of the original text lands in the scrubbed text."""
    shift = 0
    for span in spans:
        if span.orig_end <= offset:
            shift = span.end - span.orig_end
        elif span.orig_start < offset:  # inside a replaced span: snap to its end
            return span.end
        else:
            break
    return offset + shift


def span_rows(spans: Sequence[Any]) -> list[dict]:
    """The PHI spans as stored: their type and offsets in the scrubbed text, never the
    original."""
    return [{"type": str(getattr(s.type, "value", s.type)), "start": s.start, "end": s.end}
            for s in spans]


def with_coded(extraction: Mapping[str, Any] | None, coded: Sequence[Any],
               spans: Sequence[SpanLike]) -> Mapping[str, Any] | None:
    """The text extraction with a structured document's coded entries added, placed in the
    scrubbed text."""
    if not coded:
        return extraction
    ordered = sorted(spans, key=lambda s: s.orig_start)
    return merge_coded(extraction, coded, lambda offset: map_offset(offset, ordered))


def scrubbed_pages(extracted: ExtractedDocument, spans: Sequence[SpanLike]) -> list[dict]:
    ordered = sorted(spans, key=lambda s: s.orig_start)
    return [
        {"number": p.number, "start": map_offset(p.start, ordered),
         "end": map_offset(p.end, ordered), "ocr": p.ocr}
        for p in extracted.pages
    ]


def page_of(offset: int, pages: Sequence[Mapping[str, Any]]) -> int | None:
    starts = [p["start"] for p in pages]
    i = bisect.bisect_right(starts, offset) - 1
    return pages[i]["number"] if i >= 0 else None


class _StageTimer:
    """Wall time per stage, reported in the job result (status views and bench/)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = round(now - self._last, 4)
        self._last = now


class DocumentPipeline:
    """The ``process_document`` job handler."""

    def __init__(self, store: Store, scrub: ScrubFn | None, clinical: ClinicalFn | None,
                 transcribe: TranscribeFn | None = None) -> None:
        self.store = store
        self.scrub = scrub
        self.clinical = clinical
        self.transcribe = transcribe

    def extract(self, ctx: JobContext, job: job_rows.JobRow,
                settings: PipelineSettings) -> ExtractedDocument:
        """The extract stage: the submitted file's text (or transcript)."""
        ctx.progress("extract", "Reading document", 0, 1)
        policy = SourcePolicy(self.store.data_dir, denied_roots())
        with open_source(Path(job.payload["path"]), policy) as source:
            source.check_size(settings.limits.max_file_bytes)
            if self.transcribe is not None and detect_kind(source.path) == "audio":
                ctx.progress("extract", "Transcribing speech", 0, 1)
                return self.transcribe(source.path, ctx.checkpoint)
            return extract_document(
                source.path, settings.limits, checkpoint=ctx.checkpoint,
                on_progress=lambda done, total: ctx.progress("extract", "Reading pages",
                                                             done, total),
            )

    def __call__(self, ctx: JobContext, job: job_rows.JobRow) -> ResultWriter:
        with self.store.db.locked() as conn:
            settings = PipelineSettings.from_store(conn)
            # A new record is written with the document, in the final transaction.
            record_id = job.payload["record_id"]
            record = records.find(conn, record_id) or records.pending(record_id)
            job_rows.set_stage(conn, job.id, "extract")
        timer = _StageTimer()
        extracted = self.extract(ctx, job, settings)
        timer.lap("extract")
        self._stage(ctx, job.id, "scrub", "Removing protected health information")
        with ctx.interruptible():  # plain computation: the watchdog may stop it
            scrubbed = (self.scrub(extracted.text, settings.scrub_policy, record.secret)
                        if self.scrub else None)
            if scrubbed is not None and extracted.vocabulary:  # a C-CDA's or FHIR's own terms
                scrubbed = keep_vocabulary(extracted.text, scrubbed, extracted.vocabulary)
        new_doc = documents.NewDocument(
            record_id=record.id, job_id=job.id,
            # Judged when the job was submitted (engine/documents/file_names); a neutral
            # name takes the kind read from the file's bytes now.
            source_name=with_kind(job.payload.get("source_name") or neutral_name(1),
                                  extracted.kind),
            sha256=extracted.sha256, kind=extracted.kind, mime=extracted.mime,
            size_bytes=extracted.size_bytes, page_count=extracted.page_count,
            ocr_pages=extracted.ocr_page_count,
            status="processed" if scrubbed else "text_withheld",
            scrubbed_text=scrubbed.text if scrubbed else None,
            phi_spans=span_rows(scrubbed.spans) if scrubbed else [],
            pages=scrubbed_pages(extracted, scrubbed.spans) if scrubbed else [],
            extraction=None,
        )
        coded = extracted.coded  # a structured document's coded entries (no text of it)
        del extracted  # the original text goes no further than this line
        timer.lap("scrub")
        self._stage(ctx, job.id, "clinical", "Extracting clinical data")
        if scrubbed is not None and self.clinical is not None:
            with ctx.interruptible():
                extraction = without_stand_ins(dict(self.clinical(scrubbed.text)), scrubbed.spans)
            new_doc = replace(new_doc, extraction=extraction)
        if scrubbed is not None and coded:
            new_doc = replace(new_doc, extraction=with_coded(new_doc.extraction, coded,
                                                             scrubbed.spans))
        timer.lap("clinical")
        self._stage(ctx, job.id, "store", "Saving")
        phi_counts = scrubbed.counts() if scrubbed else {}
        entity_count = len((new_doc.extraction or {}).get("entities", ()))

        def write(conn) -> Mapping[str, Any]:
            records.store(conn, record, job.submitted_by)
            doc_id = documents.insert(conn, new_doc)
            if new_doc.source_name != job.payload.get("source_name"):
                job_rows.update_payload(conn, job.id, {"source_name": new_doc.source_name})
            audit.append(conn, audit.AuditEvent(
                "document.store", user_id=job.submitted_by, resource_type="document",
                resource_id=doc_id, phi_accessed=True,
                request_data={"job_id": job.id, "record_id": record.id, "kind": new_doc.kind,
                              "pages": new_doc.page_count, "phi_counts": phi_counts,
                              "policy": settings.scrub_policy,
                              "text_kept": new_doc.scrubbed_text is not None},
            ))
            timer.lap("store")
            return {"document_id": doc_id, "record_id": record.id, "kind": new_doc.kind,
                    "page_count": new_doc.page_count, "ocr_page_count": new_doc.ocr_pages,
                    "phi_counts": phi_counts, "entity_count": entity_count,
                    "stage_seconds": timer.seconds}

        return write

    def _stage(self, ctx: JobContext, job_id: str, stage: str, label: str) -> None:
        ctx.checkpoint()
        with self.store.db.locked() as conn:
            job_rows.set_stage(conn, job_id, stage)
        ctx.progress(stage, label, 0, 1)



class DictatedPipeline(DocumentPipeline):
    """A finished dictation as a document. Its text is held in engine memory until the job
    runs — never in the job row — so an engine crash loses it rather than storing raw PHI."""

    def __init__(self, store: Store, scrub: ScrubFn | None, clinical: ClinicalFn | None,
                 texts: dict[str, str]) -> None:
        super().__init__(store, scrub, clinical)
        self.texts = texts

    def extract(self, ctx: JobContext, job: job_rows.JobRow,
                settings: PipelineSettings) -> ExtractedDocument:
        text = self.texts.pop(job.id, None)
        if text is None:
            raise FileNotFound("the dictation was lost when the engine restarted")
        data = text.encode("utf-8")
        return ExtractedDocument(kind="dictation", mime="text/plain", text=text,
                                 pages=(PageText(1, 0, len(text), False),),
                                 sha256=hashlib.sha256(data).hexdigest(), size_bytes=len(data))
