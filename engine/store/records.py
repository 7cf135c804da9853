"""Patient records under pseudonymous ids; each keeps the secret that keys its surrogates."""

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


def create(conn, created_by: str | None) -> Record:
    record_id = "R-" + secrets.token_hex(6)
    pseudonym = "Patient " + secrets.token_hex(3).upper()
    secret = secrets.token_bytes(32)
    now = utc_now_iso()
    conn.execute(
        "INSERT INTO records (id, pseudonym, secret, created_at, created_by) VALUES (?,?,?,?,?)",
        (record_id, pseudonym, secret, now, created_by),
    )
    return Record(record_id, pseudonym, secret, now)


def get(conn, record_id: str) -> Record:
    row = conn.execute(
        "SELECT id, pseudonym, secret, created_at FROM records WHERE id = ?", (record_id,)
    ).fetchone()
    if row is None:
        raise NotFound("no such record", {"record_id": record_id})
    return Record(row[0], row[1], bytes(row[2]), row[3])


def list_all(conn) -> list[tuple[Record, int]]:
    rows = conn.execute(
        "SELECT r.id, r.pseudonym, r.secret, r.created_at, count(d.id) FROM records r "
        "LEFT JOIN documents d ON d.record_id = r.id GROUP BY r.id ORDER BY r.created_at DESC"
    ).fetchall()
    return [(Record(r[0], r[1], bytes(r[2]), r[3]), r[4]) for r in rows]
