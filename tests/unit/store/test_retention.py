"""Retention on a real SQLCipher store: what is older than the setting goes, with the
summaries written from it; the deletion is audited by counts and ids, never content."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from engine.store import audit, documents, records, retention, summaries
from engine.store import settings as store_settings

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
TEXT = "Follow-up for hypertension; continue lisinopril."


def _document(conn, record_id: str, age_days: float) -> str:
    doc_id = documents.insert(conn, documents.NewDocument(
        record_id=record_id, job_id=None, source_name="note.txt", sha256="0" * 64,
        kind="text", mime="text/plain", size_bytes=len(TEXT), page_count=1, ocr_pages=0,
        status="done", scrubbed_text=TEXT, phi_spans=(), pages=(), extraction=None))
    stamp = (NOW - timedelta(days=age_days)).isoformat(timespec="microseconds")
    conn.execute("UPDATE documents SET created_at = ? WHERE id = ?", (stamp, doc_id))
    return doc_id


def _summary(conn, record_id: str, document_ids: list[str]) -> str:
    return summaries.insert(conn, record_id=record_id, document_ids=document_ids,
                            cache_key="k", model="extractive", markdown=TEXT,
                            content={"overview": TEXT}, created_by="admin").id


@pytest.fixture
def stored(store):
    with store.db.transaction() as conn:
        record = records.store(conn, records.pending(), "admin").id
        old = _document(conn, record, 400)
        new = _document(conn, record, 10)
        both = _summary(conn, record, [old, new])
        only_new = _summary(conn, record, [new])
    return store, {"old": old, "new": new, "both": both, "only_new": only_new}


def _ids(conn, table: str) -> set[str]:
    return {row[0] for row in conn.execute(f"SELECT id FROM {table}")}


def test_zero_days_keeps_everything(stored):
    store, ids = stored
    with store.db.transaction() as conn:
        assert retention.sweep(conn, 0, NOW) == retention.SweepResult((), 0)
        assert _ids(conn, "documents") == {ids["old"], ids["new"]}


def test_old_documents_go_with_the_summaries_written_from_them(stored):
    store, ids = stored
    with store.db.transaction() as conn:
        result = retention.sweep(conn, 365, NOW)
        assert result == retention.SweepResult((ids["old"],), 1)
        assert _ids(conn, "documents") == {ids["new"]}
        assert _ids(conn, "summaries") == {ids["only_new"]}
        assert retention.sweep(conn, 365, NOW) == retention.SweepResult((), 0)  # idempotent
    with store.db.lock:
        conn = store.db.conn
        [entry] = audit.search(conn, audit.AuditQuery(action="retention."))
        assert audit.verify(conn).ok
    data = json.loads(entry.request_data)
    assert data == {"retention_days": 365, "documents": 1, "summaries": 1,
                    "document_ids": [ids["old"]]}
    assert "lisinopril" not in entry.request_data


def test_the_sweep_reads_the_setting(stored):
    store, ids = stored
    with store.db.transaction() as conn:
        store_settings.put(conn, "retention.days", 5)
        days = store_settings.all_settings(conn)["retention.days"]
        assert retention.sweep(conn, days, NOW).documents == (ids["old"], ids["new"])
