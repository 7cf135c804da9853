"""How a job's end is kept: the file's path is forgotten once no retry can use it, and a
user's cancel is audited as done, not as a failure (real runner, real store)."""

from __future__ import annotations

import threading

import pytest

from engine import protocol as p
from engine.errors import CorruptFile, FileNotFound, InsufficientMemory
from engine.jobs.runner import JobContext, JobRunner
from engine.store import audit, job_rows

PATH = "/home/clinic/Delacroix_Evangeline.pdf"


def _submit(store) -> job_rows.JobRow:
    with store.db.transaction() as conn:
        return job_rows.insert(conn, "work", {"path": PATH, "record_id": "R-1"}, priority=0,
                               max_attempts=1, timeout_s=60, submitted_by="admin")


def _payload(store, job_id: str):
    with store.db.lock:
        return job_rows.get(store.db.conn, job_id).payload


def _run(store, handler) -> job_rows.JobRow:
    job = _submit(store)
    ended = threading.Event()
    runner = JobRunner(store, {"work": handler}, lambda event: isinstance(
        event, (p.JobFinished, p.JobFailed)) and event.job_id == job.id and ended.set())
    runner.start()
    try:
        assert ended.wait(60), "the job did not end"
    finally:
        runner.stop()
    with store.db.lock:
        return job_rows.get(store.db.conn, job.id)


def _ok(ctx: JobContext, job):
    return lambda conn: {"thing_id": job.id}


def _raiser(exc):
    def handle(ctx: JobContext, job):
        raise exc
    return handle


@pytest.mark.parametrize(("handler", "state", "path_kept"), [
    (_ok, "succeeded", False),
    (_raiser(CorruptFile("damaged")), "failed", False),  # the file's own fault
    (_raiser(FileNotFound("gone")), "failed", False),
    (_raiser(InsufficientMemory("busy")), "failed", True),  # a retry may succeed
])
def test_the_path_is_forgotten_once_no_retry_can_use_it(store, handler, state, path_kept):
    job = _run(store, handler)
    assert job.state == state
    assert ("path" in job.payload) is path_kept
    assert job.payload["record_id"] == "R-1"  # the rest of the payload stays


def test_a_users_cancel_is_audited_as_done_and_keeps_the_path(store):
    job = _submit(store)
    runner = JobRunner(store, {"work": _ok}, lambda _event: None)
    runner.cancel(job.id, "nurse1")  # still queued: cancelled at once
    assert _payload(store, job.id)["path"] == PATH  # Retry finds the file
    with store.db.lock:
        rows = [e for e in audit.entries(store.db.conn) if e.action == "job.cancel"]
    assert len(rows) == 1
    assert rows[0].response_status == "success" and rows[0].error_message is None
    assert rows[0].user_id == "nurse1"
