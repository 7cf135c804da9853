"""Patient records under pseudonymous ids; each keeps the secret that keys its surrogates.

A record for a new document is named when the document is submitted and written only with
the document (``pending`` → ``store``): a file that is refused or fails leaves no empty
record behind.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from engine.clock import utc_now_iso
from engine.errors import NotFound


@dataclass(frozen=True)
class Record:
    id: str
    pseudonym: str
    secret: bytes
    created_at: str


def new_id() -> str:
    return "R-" + secrets.token_hex(6)


def pending(record_id: str | None = None) -> Record:
    """A record not yet written (its id given out with a job, or new); its secret is fresh."""
    return Record(record_id or new_id(), "Patient " + secrets.token_hex(3).upper(),
                  secrets.token_bytes(32), utc_now_iso())


def store(conn, record: Record, created_by: str | None) -> Record:
    """Write ``record`` unless a record of its id is there already; return the stored one."""
    conn.execute(
        "INSERT OR IGNORE INTO records (id, pseudonym, secret, created_at, created_by) "
        "VALUES (?,?,?,?,?)",
        (record.id, record.pseudonym, record.secret, record.created_at, created_by),
    )
    return get(conn, record.id)


def find(conn, record_id: str) -> Record | None:
    row = conn.execute(
        "SELECT id, pseudonym, secret, created_at FROM records WHERE id = ?", (record_id,)
    ).fetchone()
    return Record(row[0], row[1], bytes(row[2]), row[3]) if row else None


def get(conn, record_id: str) -> Record:
    record = find(conn, record_id)
    if record is None:
        raise NotFound("no such record", {"record_id": record_id})
    return record


def awaited(conn, record_id: str) -> bool:
    """Whether a queued or running job will write the record ``record_id`` (a file added to a
    record whose first document is still being processed)."""
    return conn.execute(
        "SELECT 1 FROM jobs WHERE state IN ('queued', 'running') "
        "AND json_extract(payload, '$.record_id') = ? LIMIT 1", (record_id,)).fetchone() is not None


def require(conn, record_id: str) -> None:
    """A record a new document may be added to: stored, or awaited by a job."""
    if find(conn, record_id) is None and not awaited(conn, record_id):
        raise NotFound("no such record", {"record_id": record_id})


def list_all(conn) -> list[tuple[Record, int]]:
    rows = conn.execute(
        "SELECT r.id, r.pseudonym, r.secret, r.created_at, count(d.id) FROM records r "
        "LEFT JOIN documents d ON d.record_id = r.id GROUP BY r.id ORDER BY r.created_at DESC"
    ).fetchall()
    return [(Record(r[0], r[1], bytes(r[2]), r[3]), r[4]) for r in rows]
