"""Document rows. Only scrubbed text is ever written here (the pipeline guarantees it)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.clock import utc_now_iso
from engine.errors import NotFound
from engine.protocol import DocumentInfo


@dataclass(frozen=True)
class StoredContent:
    """A document's content as stored (JSON rows); a reply is protocol.DocumentContent."""

    meta: DocumentInfo
    scrubbed_text: str | None
    phi_spans: Sequence[Mapping[str, Any]]
    pages: Sequence[Mapping[str, Any]]
    extraction: Mapping[str, Any] | None


_META = (
    "id, record_id, job_id, source_name, sha256, kind, mime, size_bytes, page_count, "
    "ocr_pages, status, created_at"
)


@dataclass(frozen=True)
class NewDocument:
    record_id: str
    job_id: str | None
    source_name: str
    sha256: str
    kind: str
    mime: str
    size_bytes: int
    page_count: int
    ocr_pages: int
    status: str
    scrubbed_text: str | None
    phi_spans: Sequence[Mapping[str, Any]]
    pages: Sequence[Mapping[str, Any]]
    extraction: Mapping[str, Any] | None


def insert(conn, doc: NewDocument) -> str:
    """Insert once per job: a retried job finds its earlier row instead of adding a twin."""
    if doc.job_id is not None:
        row = conn.execute("SELECT id FROM documents WHERE job_id = ?", (doc.job_id,)).fetchone()
        if row:
            return row[0]
    doc_id = "D-" + secrets.token_hex(8)
    conn.execute(
        f"INSERT INTO documents ({_META}, scrubbed_text, phi_spans, pages, extraction) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (doc_id, doc.record_id, doc.job_id, doc.source_name, doc.sha256, doc.kind, doc.mime,
         doc.size_bytes, doc.page_count, doc.ocr_pages, doc.status, utc_now_iso(),
         doc.scrubbed_text, json.dumps(list(doc.phi_spans)), json.dumps(list(doc.pages)),
         json.dumps(doc.extraction) if doc.extraction is not None else None),
    )
    return doc_id


def get_meta(conn, doc_id: str) -> DocumentInfo:
    row = conn.execute(f"SELECT {_META} FROM documents WHERE id = ?", (doc_id,)).fetchone()
    if row is None:
        raise NotFound("no such document", {"document_id": doc_id})
    return DocumentInfo(*row)


# What each part of a document's content reads; the others come back empty.
CONTENT_PARTS = {
    "all": "scrubbed_text, phi_spans, pages, extraction",
    "text": "scrubbed_text, phi_spans, pages, NULL",
    "extraction": "NULL, NULL, NULL, extraction",
}


def get_content(conn, doc_id: str, part: str = "all") -> StoredContent:
    meta = get_meta(conn, doc_id)
    text, spans, pages, extraction = conn.execute(
        f"SELECT {CONTENT_PARTS[part]} FROM documents WHERE id = ?", (doc_id,),
    ).fetchone()
    return StoredContent(
        meta, text, json.loads(spans or "[]"), json.loads(pages or "[]"),
        json.loads(extraction) if extraction else None,
    )


def list_meta(conn, record_id: str | None = None, limit: int = 500) -> list[DocumentInfo]:
    where, params = ("WHERE record_id = ?", (record_id,)) if record_id else ("", ())
    rows = conn.execute(
        f"SELECT {_META} FROM documents {where} ORDER BY created_at DESC LIMIT ?",
        (*params, limit),
    ).fetchall()
    return [DocumentInfo(*r) for r in rows]



def next_number(conn, record_id: str) -> int:
    """The number of the next file added to ``record_id``: one more than the files added to
    it so far (stored, awaited or refused) and its documents from elsewhere (dictation).
    What a neutral name calls it, ``document 3``; no two files of a record share one."""
    return conn.execute(
        "SELECT 1 + (SELECT count(*) FROM jobs WHERE kind = 'process_document' "
        "            AND json_extract(payload, '$.record_id') = :r) "
        "         + (SELECT count(*) FROM documents d WHERE d.record_id = :r AND NOT EXISTS "
        "            (SELECT 1 FROM jobs j WHERE j.id = d.job_id "
        "             AND j.kind = 'process_document'))",
        {"r": record_id}).fetchone()[0]
