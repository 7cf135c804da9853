"""Records written with their first document, document numbers, and the migration that
renames file names stored before they were judged."""

from __future__ import annotations

import json

import pytest
import sqlcipher3

from engine.errors import NotFound
from engine.store import documents, job_rows, records
from engine.store.migrations import MIGRATIONS, _statements, migrate


def _job(conn, record_id: str, **payload) -> job_rows.JobRow:
    return job_rows.insert(conn, "process_document", {"record_id": record_id, **payload},
                           priority=0, max_attempts=2, timeout_s=60, submitted_by="admin")


def _doc(record_id: str, job_id: str | None, name: str, kind: str = "pdf"):
    return documents.NewDocument(
        record_id=record_id, job_id=job_id, source_name=name, sha256="0" * 64, kind=kind,
        mime="application/pdf", size_bytes=10, page_count=1, ocr_pages=0, status="processed",
        scrubbed_text="Aspirin 81 mg daily.", phi_spans=[], pages=[], extraction=None)


def test_a_pending_record_is_written_only_with_its_document(store):
    with store.db.transaction() as conn:
        record_id = records.new_id()
        with pytest.raises(NotFound):
            records.require(conn, record_id)
        job = _job(conn, record_id, path="/tmp/x.pdf")
        records.require(conn, record_id)  # awaited by a queued job: a file may join it
        assert records.find(conn, record_id) is None
        assert records.list_all(conn) == []
        pending = records.pending(record_id)
        stored = records.store(conn, pending, "admin")
        assert stored == pending
        again = records.store(conn, records.pending(record_id), "admin")
        assert again.secret == pending.secret  # the first writer's secret stays
        job_rows.finish(conn, job.id, "succeeded")
        records.require(conn, record_id)


def test_document_numbers_count_every_file_added(store):
    with store.db.transaction() as conn:
        record = records.store(conn, records.pending(), "admin")
        assert documents.next_number(conn, record.id) == 1
        first = _job(conn, record.id)
        documents.insert(conn, _doc(record.id, first.id, "document 1 (PDF)"))
        job_rows.finish(conn, first.id, "succeeded")
        _job(conn, record.id)  # queued
        failed = _job(conn, record.id)
        job_rows.finish(conn, failed.id, "failed", error_code="CORRUPT_FILE")
        documents.insert(conn, _doc(record.id, None, "dictation"))  # no file of its own
        assert documents.next_number(conn, record.id) == 5
        assert documents.next_number(conn, "R-other") == 1


def _migration_index() -> int:
    return next(i for i, script in enumerate(MIGRATIONS) if "TEMP TABLE renamed" in script)


def test_migration_renames_names_stored_before(tmp_path):
    conn = sqlcipher3.connect(str(tmp_path / "old.db"), isolation_level=None)
    before = _migration_index()
    for script in MIGRATIONS[:before]:
        for statement in _statements(script):
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {before}")
    conn.execute("BEGIN")
    kept = records.store(conn, records.pending(), "admin")
    empty = records.store(conn, records.pending(), "admin")  # left by a refused file
    done = [_job(conn, kept.id, path=f"/home/u/Delacroix_Evangeline_{i}.pdf",
                 source_name=f"Delacroix_Evangeline_{i}.pdf") for i in range(2)]
    for i, job in enumerate(done):
        documents.insert(conn, _doc(kept.id, job.id, job.payload["source_name"],
                                    kind=("pdf", "docx")[i]))
        job_rows.finish(conn, job.id, "succeeded")
    refused = _job(conn, empty.id, path="/home/u/Wojcik_Anneliese.pdf",
                   source_name="Wojcik_Anneliese.pdf")
    job_rows.finish(conn, refused.id, "failed", error_code="CORRUPT_FILE")
    cancelled = _job(conn, kept.id, path="/home/u/Halversen.pdf", source_name="Halversen.pdf")
    job_rows.finish(conn, cancelled.id, "cancelled", error_code="CANCELLED")
    conn.execute("INSERT INTO summaries (id, record_id, document_ids, cache_key, model, "
                 "markdown, content, created_at, last_used_at) VALUES ('S-1', ?, ?, 'k', "
                 "'extractive', 'From Delacroix_Evangeline_0.pdf', '{}', 'now', 'now')",
                 (kept.id, json.dumps([d[0] for d in conn.execute("SELECT id FROM documents")])))
    conn.execute("COMMIT")

    migrate(conn)

    names = [r[0] for r in conn.execute(
        "SELECT source_name FROM documents ORDER BY source_name")]
    assert names == ["document 1 (PDF)", "document 2 (Word)"]
    payloads = {j.id: j.payload for j in job_rows.list_recent(conn)}
    assert {payloads[j.id]["source_name"] for j in done} == set(names)
    assert payloads[refused.id]["source_name"] == "document 1"
    assert payloads[cancelled.id]["source_name"] == "document 3"
    assert all("path" not in payloads[j.id] for j in (*done, refused))
    assert "path" in payloads[cancelled.id]  # a retry of a cancelled job still finds its file
    assert [r.id for r in records.list_all(conn)] == [kept.id]
    assert conn.execute("SELECT count(*) FROM summaries").fetchone()[0] == 0
    dump = "".join(repr(row) for table in ("documents", "jobs", "records", "summaries")
                   for row in conn.execute(f"SELECT * FROM {table}"))
    for part in ("Delacroix", "Evangeline", "Wojcik", "Anneliese"):
        assert part not in dump
    conn.close()
