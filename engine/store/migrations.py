"""Numbered schema migrations, applied in order and tracked by ``PRAGMA user_version``."""

from __future__ import annotations

from collections.abc import Sequence

import sqlcipher3

MIGRATIONS: Sequence[str] = (
    # 1: the foundation schema
    """
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('admin', 'clinician', 'clerk')),
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        password_changed_at TEXT NOT NULL
    );
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE records (
        id TEXT PRIMARY KEY,
        pseudonym TEXT NOT NULL,
        secret BLOB NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT
    );
    CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        state TEXT NOT NULL
            CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
        priority INTEGER NOT NULL DEFAULT 0,
        payload TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        max_attempts INTEGER NOT NULL,
        timeout_s REAL NOT NULL,
        cancel_requested INTEGER NOT NULL DEFAULT 0,
        stage TEXT,
        submitted_by TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        result TEXT,
        error_code TEXT,
        error_message TEXT
    );
    CREATE INDEX jobs_pick ON jobs (state, priority DESC, created_at);
    CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        record_id TEXT NOT NULL REFERENCES records (id),
        job_id TEXT UNIQUE REFERENCES jobs (id),
        source_name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        kind TEXT NOT NULL,
        mime TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        page_count INTEGER NOT NULL,
        ocr_pages INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL,
        scrubbed_text TEXT,
        phi_spans TEXT,
        pages TEXT,
        extraction TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX documents_record ON documents (record_id);
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        timestamp TEXT NOT NULL,
        user_id TEXT,
        action TEXT NOT NULL,
        resource_type TEXT,
        resource_id TEXT,
        phi_accessed INTEGER NOT NULL DEFAULT 0,
        workstation TEXT NOT NULL,
        request_data TEXT NOT NULL,
        response_status TEXT NOT NULL,
        error_message TEXT,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    -- Accidental edits are refused outright; deliberate ones still break the hash chain.
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    """,
    # 2: patient summaries, doubling as the result cache (keyed by input+model+settings)
    """
    CREATE TABLE summaries (
        id TEXT PRIMARY KEY,
        record_id TEXT REFERENCES records (id),
        document_ids TEXT NOT NULL,
        cache_key TEXT NOT NULL,
        model TEXT NOT NULL,
        markdown TEXT NOT NULL,
        content TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT,
        last_used_at TEXT NOT NULL
    );
    CREATE INDEX summaries_cache ON summaries (cache_key);
    CREATE INDEX summaries_record ON summaries (record_id);
    """,
    # 3: file names can name the patient (engine/documents/file_names.py). Documents stored
    # before take neutral names, "document 2 (PDF)" numbered by age within their record (the
    # kind labels as they were when this was written), and their jobs the same; documents
    # still awaited by a job are named by their place after them. The summaries citing a
    # renamed document are dropped: they quote its old name, and they are a cache, written
    # again when asked for. A job that is over forgets its file's path (kept for a retry of a
    # cancelled or transiently failed one), and records left empty by refused files go (a job
    # still to run writes its record again with its document, engine/store/records.py).
    """
    CREATE TEMP TABLE renamed AS
        SELECT id, job_id, 'document '
            || ROW_NUMBER() OVER (PARTITION BY record_id ORDER BY created_at, id) || ' ('
            || CASE kind WHEN 'pdf' THEN 'PDF' WHEN 'docx' THEN 'Word' WHEN 'ccda' THEN 'C-CDA'
                         WHEN 'fhir' THEN 'FHIR' ELSE kind END || ')' AS name
        FROM documents;
    DELETE FROM summaries WHERE EXISTS (
        SELECT 1 FROM json_each(summaries.document_ids) j JOIN renamed r ON r.id = j.value);
    UPDATE documents SET source_name = (SELECT name FROM renamed WHERE renamed.id = documents.id);
    UPDATE jobs SET payload = json_set(payload, '$.source_name',
        (SELECT name FROM renamed WHERE renamed.job_id = jobs.id))
        WHERE id IN (SELECT job_id FROM renamed WHERE job_id IS NOT NULL);
    UPDATE jobs SET payload = json_set(payload, '$.source_name', 'document ' || (
            (SELECT count(*) FROM documents d
             WHERE d.record_id = json_extract(jobs.payload, '$.record_id'))
            + (SELECT count(*) FROM jobs o
               WHERE o.kind = 'process_document'
               AND json_extract(o.payload, '$.record_id')
                   = json_extract(jobs.payload, '$.record_id')
               AND o.id NOT IN (SELECT job_id FROM renamed WHERE job_id IS NOT NULL)
               AND (o.created_at < jobs.created_at
                    OR (o.created_at = jobs.created_at AND o.id <= jobs.id)))))
        WHERE kind = 'process_document'
        AND id NOT IN (SELECT job_id FROM renamed WHERE job_id IS NOT NULL);
    UPDATE jobs SET payload = json_remove(payload, '$.path')
        WHERE state = 'succeeded' OR error_code IN ('UNSUPPORTED_FORMAT', 'CORRUPT_FILE',
            'ENCRYPTED_DOCUMENT', 'FILE_TOO_LARGE', 'EMPTY_DOCUMENT', 'FILE_NOT_FOUND',
            'FORBIDDEN_PATH');
    DELETE FROM records WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.record_id = records.id)
        AND NOT EXISTS (SELECT 1 FROM summaries s WHERE s.record_id = records.id);
    DROP TABLE renamed;
    """,
    # 4: finding a record without storing identity: a keyed hash of the MRN (the key lives in
    # store_secrets, inside the encrypted file) and a free label
    """
    ALTER TABLE records ADD COLUMN label TEXT;
    ALTER TABLE records ADD COLUMN mrn_hash TEXT;
    CREATE UNIQUE INDEX records_mrn ON records (mrn_hash) WHERE mrn_hash IS NOT NULL;
    CREATE TABLE store_secrets (
        name TEXT PRIMARY KEY,
        value BLOB NOT NULL
    );
    """,
)


def migrate(conn) -> int:
    """Apply pending migrations in one transaction each; return the resulting version."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        conn.execute("BEGIN")
        try:
            for statement in _statements(script):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
    return len(MIGRATIONS)


def _statements(script: str) -> list[str]:
    """Split a script into complete statements (trigger bodies hold inner semicolons)."""
    out: list[str] = []
    buf = ""
    for line in script.splitlines():
        if not line.strip() or line.strip().startswith("--"):
            continue
        buf += line + "\n"
        if sqlcipher3.complete_statement(buf):
            out.append(buf)
            buf = ""
    return out
