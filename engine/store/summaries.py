"""Stored summaries. The newest per cache key is the cached result; the oldest beyond the
cache size are pruned least-recently-used."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from engine.clock import utc_now_iso
from engine.errors import NotFound
from engine.protocol import StoredSummary, SummaryContent

_COLS = "id, record_id, document_ids, model, markdown, content, created_at"


def _from_row(row: tuple) -> StoredSummary:
    return StoredSummary(row[0], row[1], tuple(json.loads(row[2])), row[3], row[4],
                         SummaryContent.from_plain(json.loads(row[5])), row[6])


def insert(conn, *, record_id: str | None, document_ids: Sequence[str], cache_key: str,
           model: str, markdown: str, content: Mapping[str, Any], created_by: str | None,
           ) -> StoredSummary:
    summary_id = "S-" + secrets.token_hex(8)
    now = utc_now_iso()
    conn.execute(
        "INSERT INTO summaries (id, record_id, document_ids, cache_key, model, markdown, "
        "content, created_at, created_by, last_used_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (summary_id, record_id, json.dumps(list(document_ids)), cache_key, model, markdown,
         json.dumps(content), now, created_by, now),
    )
    return get(conn, summary_id)


def get(conn, summary_id: str) -> StoredSummary:
    row = conn.execute(f"SELECT {_COLS} FROM summaries WHERE id = ?", (summary_id,)).fetchone()
    if row is None:
        raise NotFound("no such summary", {"summary_id": summary_id})
    return _from_row(row)


def cached(conn, cache_key: str) -> StoredSummary | None:
    row = conn.execute(
        f"SELECT {_COLS} FROM summaries WHERE cache_key = ? ORDER BY created_at DESC LIMIT 1",
        (cache_key,),
    ).fetchone()
    if row is None:
        return None
    conn.execute("UPDATE summaries SET last_used_at = ? WHERE id = ?", (utc_now_iso(), row[0]))
    return _from_row(row)


def prune(conn, keep: int) -> int:
    """Drop least-recently-used summaries beyond ``keep``; returns how many went."""
    cur = conn.execute(
        "DELETE FROM summaries WHERE id IN (SELECT id FROM summaries "
        "ORDER BY last_used_at DESC LIMIT -1 OFFSET ?)", (keep,),
    )
    return cur.rowcount
