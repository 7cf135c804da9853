"""The job runner against a real encrypted store: order, cancel, timeout, crash recovery."""

from __future__ import annotations

import threading
import time

import pytest

from engine import protocol as p
from engine.jobs.runner import JobContext, JobRunner
from engine.store import audit, job_rows


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


def _spin(seconds: float) -> None:
    """Plain computation that reaches no checkpoint."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        sum(range(1000))


def test_watchdog_interrupts_a_stage_without_checkpoints(store):
    rec, order = Recorder(), []

    def stuck(ctx: JobContext, job):
        with ctx.interruptible():
            _spin(120)
        order.append("stuck finished")  # never: the watchdog raised into the spin
        return lambda conn: {}

    first = _submit(store, kind="stuck", timeout_s=0.5, priority=5)
    second = _submit(store, payload={"name": "second"})
    runner = JobRunner(store, {"stuck": stuck, "work": ok_handler(order)}, rec)
    runner.start()
    try:
        end = rec.wait_end(first.id, timeout=60)
        assert isinstance(rec.wait_end(second.id, timeout=60), p.JobFinished)
    finally:
        runner.stop()
    assert isinstance(end, p.JobFailed) and end.error.code == "TIMEOUT"
    assert order == ["second"]
    assert _state(store, first.id).state == "failed"
    assert _state(store, second.id).state == "succeeded"


def test_watchdog_replaces_a_worker_that_will_not_stop(store):
    """A stage outside ``interruptible`` (here: waiting) is given up; the queue goes on and
    the late outcome of the old worker is dropped."""
    rec, order = Recorder(), []
    release = threading.Event()

    def wedged(ctx: JobContext, job):
        release.wait(120)
        order.append("wedged returned")
        return lambda conn: {"late": True}

    first = _submit(store, kind="wedged", timeout_s=0.5, priority=5)
    second = _submit(store, payload={"name": "second"})
    runner = JobRunner(store, {"wedged": wedged, "work": ok_handler(order)}, rec)
    runner.start()
    try:
        end = rec.wait_end(first.id, timeout=60)
        assert isinstance(rec.wait_end(second.id, timeout=60), p.JobFinished)
        assert order == ["second"]  # ran while the first worker was still wedged
        release.set()
        deadline = time.monotonic() + 30
        while "wedged returned" not in order and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # the old worker's outcome transaction
    finally:
        runner.stop()
    assert isinstance(end, p.JobFailed) and end.error.code == "TIMEOUT"
    row = _state(store, first.id)
    assert row.state == "failed" and row.result is None  # the late result was dropped
    outcomes = [e for e in audit.entries(store.db.conn)
                if e.resource_id == first.id and e.action in ("job.fail", "job.finish")]
    assert [e.action for e in outcomes] == ["job.fail"]


def test_cancel_reaches_a_stage_without_checkpoints(store):
    rec = Recorder()
    started = threading.Event()

    def stuck(ctx: JobContext, job):
        started.set()
        with ctx.interruptible():
            _spin(120)
        return lambda conn: {}

    job = _submit(store, kind="stuck")
    runner = JobRunner(store, {"stuck": stuck}, rec)
    runner.start()
    try:
        assert started.wait(10)
        runner.cancel(job.id, "admin")
        end = rec.wait_end(job.id, timeout=60)
    finally:
        runner.stop()
    assert isinstance(end, p.JobFailed) and end.error.code == "CANCELLED"
    assert _state(store, job.id).state == "cancelled"


def test_leaving_an_interruptible_stretch_takes_back_an_undelivered_stop(store):
    """A stop raised into the worker as it leaves ``interruptible`` comes out at the end of
    the stretch, not later inside store code."""
    ctx = JobContext("J-x", time.monotonic() + 60, threading.Event(), lambda e: None)
    with pytest.raises(BaseException) as caught, ctx.interruptible():
        assert ctx.interrupt()
        _spin(0.2)  # delivered here, at the next bytecode
    assert type(caught.value).__name__ == "StageInterrupted"
    assert not ctx.interrupt()  # outside the stretch nothing is raised into the worker
