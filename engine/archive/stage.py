"""One document through the pipeline's stateless stages: open → sniff and extract (OCR) →
scrub → clinical extraction, as ``hntai process`` runs them, into one output row.

The stages are the pipeline's own (engine/pipeline.py, engine/documents, engine/phi,
engine/clinical); what differs is only where the result goes: a row instead of the store.
Every failure becomes a row with its error code, and nothing raised here leaves the
worker: Ray logs a raised exception's text, and that text may quote a document.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.archive.inputs import NOTE, ArchiveInput, read_note
from engine.clinical import extract_clinical
from engine.documents import ExtractedDocument, ExtractionLimits, PageText, extract_document
from engine.documents.sniff import detect
from engine.documents.source import SourcePolicy, open_source
from engine.documents.vocabulary import keep_vocabulary
from engine.errors import ErrorCode, HntaiError, UnsupportedFormat
from engine.paths import denied_roots
from engine.phi import Scrubber, site_lexicon
from engine.pipeline import scrubbed_pages, span_rows, with_coded, without_stand_ins
from engine.protocol import ScrubPolicy

PROCESSED, FAILED = "processed", "failed"


@dataclass(frozen=True)
class StageConfig:
    """What every worker of a run needs; plain data, shipped to each actor once."""

    policy: str
    secret: bytes = field(repr=False)  # the run's surrogate key: never printed or logged
    site_lexicons: tuple[str, ...] = ()  # files on the path the cluster mounts
    staff_names: tuple[str, ...] = ()  # the store's user names, as `hntai process` adds them
    limits: ExtractionLimits = field(default_factory=ExtractionLimits)
    data_dir: str = ""  # the HNTAI data folder, which inputs may not come from


def _failed(item: ArchiveInput, code: str, kind: str | None = None) -> dict[str, Any]:
    return {"id": item.id, "source_hash": item.source_hash, "kind": kind, "sha256": None,
            "mime": None, "size_bytes": None, "status": FAILED, "error_code": code,
            "page_count": 0, "ocr_pages": 0, "scrubbed_text": None, "phi_spans": [],
            "pages": "[]", "entities": None}


class DocumentStage:
    """Built once per worker: the scrubber (lexicons, recognizers, site lexicon) is reused for
    every document; the run key makes its surrogates the same on every worker."""

    def __init__(self, config: StageConfig) -> None:
        self.config = config
        site = site_lexicon.build(config.site_lexicons, config.staff_names)
        self.scrubber = Scrubber(ScrubPolicy(config.policy), record_secret=config.secret,
                                 site=site)
        self.sources = SourcePolicy(Path(config.data_dir), denied_roots())

    def extract(self, item: ArchiveInput) -> ExtractedDocument:
        if item.kind == NOTE:
            text = read_note(item)
            data = text.encode("utf-8")
            return ExtractedDocument(kind="note", mime="text/plain", text=text,
                                     pages=(PageText(1, 0, len(text), False),),
                                     sha256=hashlib.sha256(data).hexdigest(),
                                     size_bytes=len(data))
        limits = self.config.limits
        with open_source(Path(item.path), self.sources) as source:
            source.check_size(limits.max_file_bytes)
            if detect(source.path).kind == "audio":  # no speech model on a cluster worker
                raise UnsupportedFormat("audio is not transcribed in archive mode",
                                        {"kind": "audio"})
            return extract_document(source.path, limits)

    def run(self, item: ArchiveInput) -> dict[str, Any]:
        try:
            return self._run(item)
        except HntaiError as exc:
            return _failed(item, exc.code.value)
        except Exception:  # a library's message may quote the document: code only
            return _failed(item, ErrorCode.INTERNAL_ERROR.value)

    def _run(self, item: ArchiveInput) -> dict[str, Any]:
        extracted = self.extract(item)
        scrubbed = self.scrubber.scrub(extracted.text)
        if extracted.vocabulary:  # a C-CDA's or FHIR's own clinical terms stay
            scrubbed = keep_vocabulary(extracted.text, scrubbed, extracted.vocabulary)
        pages = scrubbed_pages(extracted, scrubbed.spans)
        coded, kind = extracted.coded, extracted.kind
        file_facts = {"sha256": extracted.sha256, "mime": extracted.mime,
                      "size_bytes": extracted.size_bytes}
        page_count, ocr_pages = extracted.page_count, extracted.ocr_page_count
        del extracted  # the original text goes no further than this line
        extraction = without_stand_ins(
            extract_clinical(scrubbed.text).to_dict(), scrubbed.spans)
        extraction = with_coded(extraction, coded, scrubbed.spans)
        return {"id": item.id, "source_hash": item.source_hash, "kind": kind, **file_facts,
                "status": PROCESSED, "error_code": None, "page_count": page_count,
                "ocr_pages": ocr_pages, "scrubbed_text": scrubbed.text,
                "phi_spans": span_rows(scrubbed.spans),
                "pages": json.dumps(pages), "entities": json.dumps(extraction,
                                                                   sort_keys=True)}
