"""Retention: documents stored longer ago than the ``retention.days`` setting (0 = keep
them) are deleted, with every summary written from them (its text came from theirs) and
the jobs that made them (their payload keeps the file's path, and file names can name the
patient). Each sweep that deletes anything is audited with the counts and the document
ids — never any content. Records stay: they hold no content of their own."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from engine.store import audit

_AUDITED_IDS = 1000  # an audit row names at most this many documents; the count is exact


@dataclass(frozen=True)
class SweepResult:
    documents: tuple[str, ...]
    summaries: int


def sweep(conn, days: int, now: datetime | None = None) -> SweepResult:
    """Delete what is older than ``days`` in the caller's transaction."""
    if days <= 0:
        return SweepResult((), 0)
    cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=days)
    # stored timestamps are UTC ISO strings of one format, so they compare as text
    rows = conn.execute("SELECT id, job_id FROM documents WHERE created_at < ? "
                        "ORDER BY created_at", (cutoff.isoformat(timespec="microseconds"),)
                        ).fetchall()
    ids = tuple(doc_id for doc_id, _job in rows)
    if not ids:
        return SweepResult((), 0)
    gone = set(ids)
    stale = [sid for sid, doc_ids in conn.execute("SELECT id, document_ids FROM summaries")
             if gone.intersection(json.loads(doc_ids))]
    conn.executemany("DELETE FROM summaries WHERE id = ?", [(s,) for s in stale])
    conn.executemany("DELETE FROM documents WHERE id = ?", [(d,) for d in ids])
    conn.executemany("DELETE FROM jobs WHERE id = ?", [(j,) for _d, j in rows if j])
    audit.append(conn, audit.AuditEvent(
        "retention.delete", resource_type="document", request_data={
            "retention_days": days, "documents": len(ids), "summaries": len(stale),
            "document_ids": list(ids[:_AUDITED_IDS])}))
    return SweepResult(ids, len(stale))
