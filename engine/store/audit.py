"""The HIPAA audit trail: an append-only table whose rows form a SHA-256 hash chain.

``hash = sha256(prev_hash + canonical JSON of the row)``, so an edit, insertion or deletion
anywhere breaks verification from that row on. The chain head (last id and hash) is also kept
in ``settings`` so that cutting rows off the end is caught too.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import socket
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from engine.clock import utc_now_iso
from engine.protocol import AuditEntry  # the audit viewer's reply carries it as it is

GENESIS_HASH = "0" * 64
_HEAD_KEY = "audit.head"
_COLUMNS = (
    "id", "timestamp", "user_id", "action", "resource_type", "resource_id", "phi_accessed",
    "workstation", "request_data", "response_status", "error_message", "prev_hash", "hash",
)


@dataclass(frozen=True)
class AuditEvent:
    """What a caller records; the chain fields are filled in by ``append``."""

    action: str
    user_id: str | None = None
    resource_type: str | None = None
    resource_id: str | None = None
    phi_accessed: bool = False
    request_data: Mapping[str, Any] | None = None
    response_status: str = "success"
    error_message: str | None = None
    timestamp: str | None = None


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    first_broken_id: int | None = None
    reason: str | None = None


def _row_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def _hashed_fields(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {k: entry[k] for k in _COLUMNS if k != "hash"}


def append(conn, event: AuditEvent) -> int:
    """Append one entry inside the caller's open transaction; return its id."""
    row = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    prev_id, prev_hash = row if row else (0, GENESIS_HASH)
    fields = {
        "id": prev_id + 1,
        "timestamp": event.timestamp or utc_now_iso(),
        "user_id": event.user_id,
        "action": event.action,
        "resource_type": event.resource_type,
        "resource_id": event.resource_id,
        "phi_accessed": 1 if event.phi_accessed else 0,
        "workstation": socket.gethostname(),
        "request_data": json.dumps(dict(event.request_data or {}), sort_keys=True),
        "response_status": event.response_status,
        "error_message": event.error_message,
        "prev_hash": prev_hash,
    }
    digest = _row_hash(prev_hash, fields)
    conn.execute(
        f"INSERT INTO audit_log ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
        (*fields.values(), digest),
    )
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (_HEAD_KEY, json.dumps({"id": fields["id"], "hash": digest})),
    )
    return fields["id"]


def entries(conn, *, after_id: int = 0, limit: int | None = None) -> Iterator[AuditEntry]:
    sql = f"SELECT {', '.join(_COLUMNS)} FROM audit_log WHERE id > ? ORDER BY id"
    params: tuple = (after_id,)
    if limit is not None:
        sql += " LIMIT ?"
        params += (limit,)
    for row in conn.execute(sql, params).fetchall():
        yield _entry(row)


@dataclass(frozen=True)
class AuditQuery:
    """Filters for the audit viewer; empty fields match everything. Dates are ISO prefixes
    ("2026-12-01") compared with the stored UTC timestamps."""

    user_id: str | None = None
    action: str | None = None  # a prefix: "document" matches "document.read"
    since: str | None = None
    until: str | None = None  # inclusive of that whole day when it is a date
    limit: int = 500


def search(conn, query: AuditQuery) -> list[AuditEntry]:
    """Newest first, at most ``query.limit`` entries."""
    clauses, params = [], []
    if query.user_id:
        clauses.append("user_id = ?")
        params.append(query.user_id)
    if query.action:
        clauses.append("action LIKE ? ESCAPE '\\'")
        params.append(query.action.replace("%", r"\%").replace("_", r"\_") + "%")
    if query.since:
        clauses.append("timestamp >= ?")
        params.append(query.since)
    if query.until:
        clauses.append("timestamp <= ?")
        params.append(query.until + ("T99" if len(query.until) == 10 else ""))
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = conn.execute(
        f"SELECT {', '.join(_COLUMNS)} FROM audit_log {where} ORDER BY id DESC LIMIT ?",
        (*params, max(1, min(query.limit, 10_000))),
    ).fetchall()
    return [_entry(row) for row in rows]


def _entry(row: tuple) -> AuditEntry:
    data = dict(zip(_COLUMNS, row, strict=True))
    data["phi_accessed"] = bool(data["phi_accessed"])
    return AuditEntry(**data)


def verify(conn) -> VerifyResult:
    prev_hash, expected_id, count = GENESIS_HASH, 1, 0
    for row in conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM audit_log ORDER BY id"):
        entry = dict(zip(_COLUMNS, row, strict=True))
        if entry["id"] != expected_id:
            return VerifyResult(False, count, expected_id, "entry missing (gap in ids)")
        if entry["prev_hash"] != prev_hash:
            return VerifyResult(False, count, entry["id"], "previous-hash link broken")
        if _row_hash(prev_hash, _hashed_fields(entry)) != entry["hash"]:
            return VerifyResult(False, count, entry["id"], "entry content altered")
        prev_hash, expected_id, count = entry["hash"], expected_id + 1, count + 1
    head = conn.execute("SELECT value FROM settings WHERE key = ?", (_HEAD_KEY,)).fetchone()
    if head is not None:
        recorded = json.loads(head[0])
        if recorded["id"] != count or recorded["hash"] != prev_hash:
            return VerifyResult(False, count, count + 1, "entries removed from the end")
    return VerifyResult(True, count)


def export(conn, fmt: str) -> Iterator[str]:
    """Yield the log as CSV or JSON-lines text chunks."""
    if fmt == "jsonl":
        for entry in entries(conn):
            yield json.dumps(asdict(entry), sort_keys=True) + "\n"
        return
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(_COLUMNS)
    for entry in entries(conn):
        writer.writerow(_as_row(entry))
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()
    yield buf.getvalue()


def _as_row(entry: AuditEntry) -> tuple:
    return tuple(getattr(entry, c) for c in _COLUMNS)
