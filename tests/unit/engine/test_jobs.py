"""The job runner against a real encrypted store: order, cancel, timeout, crash recovery."""

from __future__ import annotations

import threading
import time

import pytest

from engine import protocol as p
from engine.jobs import JobContext, JobRunner
from engine.store import audit
from engine.store import jobs as job_rows


class Recorder:
    """Collects emitted events; lets tests wait for a job's end."""

    def __init__(self) -> None:
        self.events: list[p.Event] = []
        self.cond = threading.Condition()

    def __call__(self, event: p.Event) -> None:
        with self.cond:
            self.events.append(event)
            self.cond.notify_all()

    def wait_end(self, job_id: str, timeout: float = 20.0) -> p.Event:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for e in self.events:
                    if isinstance(e, (p.JobFinished, p.JobFailed)) and e.job_id == job_id:
                        return e
                left = deadline - time.monotonic()
                assert left > 0, "job did not end"
                self.cond.wait(left)


def _submit(store, kind="work", priority=0, payload=None, timeout_s=60.0, max_attempts=3):
    with store.db.transaction() as conn:
        return job_rows.insert(conn, kind, payload or {}, priority=priority,
                               max_attempts=max_attempts, timeout_s=timeout_s,
                               submitted_by="admin")


def _state(store, job_id):
    with store.db.lock:
        return job_rows.get(store.db.conn, job_id)


def ok_handler(order: list[str]):
    def handle(ctx: JobContext, job):
        order.append(job.payload.get("name", job.id))
        ctx.progress("work", "working", 1, 1)
        return lambda conn: {"thing_id": job.id}
    return handle


def test_priority_order_and_results(store):
    order: list[str] = []
    rec = Recorder()
    low = _submit(store, payload={"name": "low"}, priority=0)
    _submit(store, payload={"name": "high"}, priority=5)
    runner = JobRunner(store, {"work": ok_handler(order)}, rec)
    runner.start()
    try:
        assert isinstance(rec.wait_end(low.id), p.JobFinished)
    finally:
        runner.stop()
    assert order == ["high", "low"]
    row = _state(store, low.id)
    assert row.state == "succeeded" and row.result == {"thing_id": low.id}
    actions = [e.action for e in audit.entries(store.db.conn)]
    assert actions.count("job.finish") == 2
    assert any(isinstance(e, p.JobProgress) for e in rec.events)


def test_cancel_running_job_stops_at_checkpoint(store):
    rec = Recorder()
    started = threading.Event()

    def slow(ctx: JobContext, job):  # ends only by being cancelled, however slow the machine
        started.set()
        while True:
            ctx.checkpoint()
            time.sleep(0.01)

    job = _submit(store)
    runner = JobRunner(store, {"work": slow}, rec)
    runner.start()
    try:
        assert started.wait(10)
        runner.cancel(job.id, "admin")
        end = rec.wait_end(job.id)
    finally:
        runner.stop()
    assert isinstance(end, p.JobFailed) and end.error.code == "CANCELLED"
    assert _state(store, job.id).state == "cancelled"


def test_cancel_queued_job_never_runs(store):
    ran: list[str] = []
    job = _submit(store)
    runner = JobRunner(store, {"work": ok_handler(ran)}, Recorder())
    runner.cancel(job.id, "admin")
    runner.start()
    runner.stop()
    assert ran == [] and _state(store, job.id).state == "cancelled"


def test_timeout_fails_with_code(store):
    rec = Recorder()

    def sleepy(ctx: JobContext, job):
        while True:
            ctx.checkpoint()
            time.sleep(0.01)

    job = _submit(store, timeout_s=0.2)
    runner = JobRunner(store, {"work": sleepy}, rec)
    runner.start()
    try:
        end = rec.wait_end(job.id)
    finally:
        runner.stop()
    assert end.error.code == "TIMEOUT"


@pytest.mark.parametrize(
    ("exc", "code"),
    [(ValueError("patient John Smith"), "INTERNAL_ERROR"), (KeyError("x"), "INTERNAL_ERROR")],
)
def test_unexpected_errors_fail_alone_without_leaking_text(store, exc, code):
    rec = Recorder()

    def broken(ctx, job):
        raise exc

    bad = _submit(store)
    good = _submit(store, kind="ok")
    runner = JobRunner(store, {"work": broken, "ok": ok_handler([])}, rec)
    runner.start()
    try:
        end = rec.wait_end(bad.id)
        assert isinstance(rec.wait_end(good.id), p.JobFinished)
    finally:
        runner.stop()
    assert end.error.code == code
    assert "John" not in repr(end.error) and "John" not in str(_state(store, bad.id))


def test_recovery_retries_then_fails_with_worker_crashed(store):
    retried = _submit(store, max_attempts=3)
    exhausted = _submit(store, max_attempts=1)
    with store.db.transaction() as conn:  # both were running when the engine died
        job_rows.claim_next(conn)
        job_rows.claim_next(conn)
    runner = JobRunner(store, {"work": ok_handler([])}, Recorder())
    runner.recover()
    assert _state(store, retried.id).state == "queued"
    dead = _state(store, exhausted.id)
    assert dead.state == "failed" and dead.error_code == "WORKER_CRASHED"


def test_finish_is_idempotent(store):
    job = _submit(store)
    with store.db.transaction() as conn:
        assert job_rows.finish(conn, job.id, "succeeded", result={"a": 1})
        assert not job_rows.finish(conn, job.id, "failed", error_code="X")
    assert _state(store, job.id).state == "succeeded"
