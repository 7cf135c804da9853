"""Job rows: the durable half of the job queue (policy lives in engine/jobs/runner.py)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.clock import utc_now_iso
from engine.errors import NotFound
from engine.protocol import JobState

_TERMINAL = tuple(state for state in JobState if state.terminal)
_COLS = (
    "id, kind, state, priority, payload, attempts, max_attempts, timeout_s, cancel_requested, "
    "stage, submitted_by, created_at, started_at, finished_at, result, error_code, error_message"
)


@dataclass(frozen=True)
class JobRow:
    id: str
    kind: str  # a protocol.JobKind value; the runner itself runs any kind it has a handler for
    state: JobState
    priority: int
    payload: Mapping[str, Any]
    attempts: int
    max_attempts: int
    timeout_s: float
    cancel_requested: bool
    stage: str | None
    submitted_by: str | None
    created_at: str
    started_at: str | None
    finished_at: str | None
    result: Mapping[str, Any] | None
    error_code: str | None
    error_message: str | None


def _from_row(row: tuple) -> JobRow:
    values = list(row)
    values[2] = JobState(values[2])
    values[4] = json.loads(values[4])
    values[8] = bool(values[8])
    values[14] = json.loads(values[14]) if values[14] else None
    return JobRow(*values)


def insert(
    conn, kind: str, payload: Mapping[str, Any], *, priority: int, max_attempts: int,
    timeout_s: float, submitted_by: str | None,
) -> JobRow:
    job_id = "J-" + secrets.token_hex(8)
    conn.execute(
        "INSERT INTO jobs (id, kind, state, priority, payload, max_attempts, timeout_s, "
        "submitted_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (job_id, kind, JobState.QUEUED, priority, json.dumps(payload), max_attempts, timeout_s,
         submitted_by, utc_now_iso()),
    )
    return get(conn, job_id)


def get(conn, job_id: str) -> JobRow:
    row = conn.execute(f"SELECT {_COLS} FROM jobs WHERE id = ?", (job_id,)).fetchone()
    if row is None:
        raise NotFound("no such job", {"job_id": job_id})
    return _from_row(row)


def list_recent(conn, limit: int = 200, states: tuple[JobState, ...] = ()) -> list[JobRow]:
    where = f"WHERE state IN ({', '.join('?' * len(states))})" if states else ""
    rows = conn.execute(
        f"SELECT {_COLS} FROM jobs {where} ORDER BY created_at DESC LIMIT ?", (*states, limit)
    ).fetchall()
    return [_from_row(r) for r in rows]


def claim_next(conn) -> JobRow | None:
    """Move the most urgent queued job to running (inside the caller's transaction)."""
    row = conn.execute(
        "SELECT id FROM jobs WHERE state = ? ORDER BY priority DESC, created_at LIMIT 1",
        (JobState.QUEUED,),
    ).fetchone()
    if row is None:
        return None
    conn.execute(
        "UPDATE jobs SET state = ?, attempts = attempts + 1, started_at = ?, stage = NULL "
        "WHERE id = ?",
        (JobState.RUNNING, utc_now_iso(), row[0]),
    )
    return get(conn, row[0])


def set_stage(conn, job_id: str, stage: str) -> None:
    conn.execute("UPDATE jobs SET stage = ? WHERE id = ?", (stage, job_id))


def finish(
    conn, job_id: str, state: JobState, *, result: Mapping[str, Any] | None = None,
    error_code: str | None = None, error_message: str | None = None,
) -> bool:
    """Write the outcome once; a job already terminal is left as it is (idempotent)."""
    cur = conn.execute(
        "UPDATE jobs SET state = ?, finished_at = ?, result = ?, error_code = ?, "
        f"error_message = ? WHERE id = ? AND state NOT IN ({', '.join('?' * len(_TERMINAL))})",
        (state, utc_now_iso(), json.dumps(result) if result is not None else None, error_code,
         error_message, job_id, *_TERMINAL),
    )
    return cur.rowcount == 1


def update_payload(conn, job_id: str, changes: Mapping[str, Any]) -> None:
    """Merge ``changes`` into a job's payload; a key set to None is removed."""
    conn.execute("UPDATE jobs SET payload = json_patch(payload, ?) WHERE id = ?",
                 (json.dumps(changes), job_id))


def request_cancel(conn, job_id: str) -> JobRow:
    get(conn, job_id)
    conn.execute("UPDATE jobs SET cancel_requested = 1 WHERE id = ?", (job_id,))
    return get(conn, job_id)


def requeue(conn, job_id: str) -> None:
    conn.execute(
        "UPDATE jobs SET state = ?, stage = NULL, started_at = NULL WHERE id = ?",
        (JobState.QUEUED, job_id),
    )


def retry_failed(conn, job_id: str) -> None:
    """A user's retry of a failed or cancelled job starts it afresh."""
    conn.execute(
        "UPDATE jobs SET state = ?, attempts = 0, cancel_requested = 0, stage = NULL, "
        "started_at = NULL, finished_at = NULL, result = NULL, error_code = NULL, "
        "error_message = NULL WHERE id = ?",
        (JobState.QUEUED, job_id),
    )


def counts(conn) -> dict[str, int]:
    return dict(conn.execute("SELECT state, count(*) FROM jobs GROUP BY state").fetchall())
