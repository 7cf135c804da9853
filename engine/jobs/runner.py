"""The durable job queue's policy: run order, retries after a crash, timeouts, cancellation.

Rows live in the store (engine/store/job_rows.py); this module runs them one at a time on a
worker thread of the engine process. A job's result and its audit row are written in the
same transaction as its final state, so a crash can never record a job as done twice.

Time limits and Cancel act at the job's checkpoints (between stages, and per page, per
chunk of text, per window of audio inside them). A watchdog covers a stage that reaches no
checkpoint: past the limit (or after a cancel) plus a grace period it raises into the
worker if the stage is plain computation (``JobContext.interruptible``), and if the worker
still has not let go it fails the job and starts a new worker, so the queue goes on; the
old thread's late outcome is dropped.
"""

from __future__ import annotations

import ctypes
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from engine.errors import (
    Cancelled,
    ErrorCode,
    HntaiError,
    InternalError,
    JobTimeout,
    WorkerCrashed,
)
from engine.protocol import ErrorInfo, Event, JobFailed, JobFinished, JobProgress, JobState
from engine.store import Store, audit, job_rows
from engine.store.database import storage_failure

log = logging.getLogger("hntai.jobs")

GRACE_S = 2.0  # after the limit or a cancel: checkpoints get this long to stop the job
ABANDON_S = 5.0  # after the limit or a cancel: then the worker is given up and replaced
WATCH_EVERY_S = 0.25

# A job's payload may locate the user's file ("path"), and a path can name the patient: it is
# kept only while a retry could still use it, and dropped once the job has succeeded or
# failed for a reason in the file itself (a retry of the same file would fail alike).
_FILE_FAULTS = frozenset({
    ErrorCode.UNSUPPORTED_FORMAT, ErrorCode.CORRUPT_FILE, ErrorCode.ENCRYPTED_DOCUMENT,
    ErrorCode.FILE_TOO_LARGE, ErrorCode.EMPTY_DOCUMENT, ErrorCode.FILE_NOT_FOUND,
    ErrorCode.FORBIDDEN_PATH,
})

ResultWriter = Callable[[Any], Mapping[str, Any]]
"""Called with the open connection inside the job's final transaction; returns the result."""


class JobHandler(Protocol):
    def __call__(self, ctx: JobContext, job: job_rows.JobRow) -> ResultWriter: ...


@dataclass
class JobContext:
    """What a running job sees: its progress reporter and its cancel/timeout checkpoint."""

    job_id: str
    deadline: float
    cancelled: threading.Event
    emit: Callable[[Event], None]
    clock: Callable[[], float] = time.monotonic
    min_interval_s: float = 0.1
    _last_emit: float = float("-inf")
    _guard: threading.Lock = field(default_factory=threading.Lock)
    _thread_id: int | None = None
    _interruptible: bool = False
    _interrupted: bool = False

    def stop_reason(self) -> HntaiError | None:
        """Why the job should stop now, if it should."""
        if self.cancelled.is_set():
            return Cancelled("the job was cancelled")
        if self.clock() > self.deadline:
            return JobTimeout("the job ran past its time limit")
        return None

    def checkpoint(self) -> None:
        if (reason := self.stop_reason()) is not None:
            raise reason

    @contextmanager
    def interruptible(self) -> Iterator[None]:
        """A stretch of plain computation on values in memory (no store, no files, no
        locks held): the watchdog may stop it by raising ``StageInterrupted`` into it."""
        with self._guard:
            self._thread_id = threading.get_ident()
            self._interruptible = True
        try:
            yield
        finally:
            with self._guard:
                self._interruptible = False
                stop = self._interrupted
                if stop:  # raised into us but not yet delivered: take it back, raise here
                    _raise_in_thread(self._thread_id, None)
            if stop:
                raise StageInterrupted()

    def interrupt(self) -> bool:
        """Raise ``StageInterrupted`` in the worker if it is inside ``interruptible``."""
        with self._guard:
            if not self._interruptible or self._interrupted or self._thread_id is None:
                return False
            self._interrupted = True
            _raise_in_thread(self._thread_id, StageInterrupted)
            return True

    def progress(self, stage: str, label: str, value: int, maximum: int) -> None:
        """Report progress, at most every ``min_interval_s`` except a stage's start and end:
        a fast PDF would otherwise spend its time pickling events."""
        now = self.clock()
        if value not in (0, 1, maximum) and now - self._last_emit < self.min_interval_s:
            return
        self._last_emit = now
        self.emit(JobProgress(self.job_id, stage, label, value, maximum))


class StageInterrupted(BaseException):
    """Raised into a worker by the watchdog. A BaseException: a stage's ``except Exception``
    must not swallow it."""


def _raise_in_thread(thread_id: int, exc: type[BaseException] | None) -> None:
    """Schedule ``exc`` in another thread (delivered at its next bytecode); None clears one
    scheduled and not yet delivered."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc is not None else None)


@dataclass
class _Running:
    job: job_rows.JobRow
    ctx: JobContext
    overdue_since: float | None = None  # when the watchdog first saw a reason to stop
    abandoned: bool = False


class JobRunner:
    """One worker thread taking the most urgent queued job; wake it after each submit. A
    watchdog thread replaces the worker if a stage will not stop (see the module text)."""

    def __init__(
        self, store: Store, handlers: Mapping[str, JobHandler], emit: Callable[[Event], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.handlers = dict(handlers)
        self.emit = emit
        self.clock = clock
        self._wake = threading.Condition()
        self._stop = False
        self._running: dict[str, threading.Event] = {}
        # Failures that could not be written (disk full, read-only): retried each round.
        self._unwritten: dict[str, tuple[job_rows.JobRow, HntaiError]] = {}
        self._generation = 0  # the worker of an older generation was given up
        self._current: _Running | None = None
        self._thread = self._worker()
        self._watchdog = threading.Thread(target=self._watch, name="job-watchdog",
                                          daemon=True)

    # --- lifecycle --------------------------------------------------------------------

    def _worker(self) -> threading.Thread:
        return threading.Thread(target=self._loop, args=(self._generation,),
                                name=f"job-runner-{self._generation}", daemon=True)

    def start(self) -> None:
        self.recover()
        self._thread.start()
        self._watchdog.start()

    def stop(self, timeout: float = 30.0) -> None:
        with self._wake:
            self._stop = True
            for flag in self._running.values():
                flag.set()
            self._wake.notify_all()
            thread = self._thread
        if thread.is_alive():
            thread.join(timeout)
        if self._watchdog.is_alive():
            self._watchdog.join(timeout)

    def wake(self) -> None:
        with self._wake:
            self._wake.notify_all()

    def recover(self) -> None:
        """Jobs left ``running`` by a dead engine are retried, or failed once out of tries."""
        with self.store.db.transaction() as conn:
            for job in job_rows.list_recent(conn, limit=1_000_000, states=(JobState.RUNNING,)):
                if job.cancel_requested:
                    self._finish_failed(conn, job, Cancelled("the job was cancelled"))
                elif job.attempts >= job.max_attempts:
                    self._finish_failed(conn, job, WorkerCrashed(
                        "the engine stopped while running this job too many times",
                        {"attempts": job.attempts},
                    ))
                else:
                    job_rows.requeue(conn, job.id)
                    audit.append(conn, audit.AuditEvent(
                        "job.retry", resource_type="job", resource_id=job.id,
                        request_data={"attempts": job.attempts, "reason": "engine restart"},
                    ))

    # --- cancellation -----------------------------------------------------------------

    def cancel(self, job_id: str, user: str | None) -> job_rows.JobRow:
        with self.store.db.transaction() as conn:
            job = job_rows.request_cancel(conn, job_id)
            if job.state is JobState.QUEUED:
                self._finish_failed(conn, job, Cancelled("the job was cancelled"), user)
            elif job.state is JobState.RUNNING:
                audit.append(conn, audit.AuditEvent(
                    "job.cancel_request", user_id=user, resource_type="job", resource_id=job_id,
                ))
        with self._wake:
            flag = self._running.get(job_id)
            if flag is not None:
                flag.set()
        with self.store.db.locked() as conn:
            return job_rows.get(conn, job_id)

    # --- the loop ---------------------------------------------------------------------

    def _loop(self, generation: int) -> None:
        while True:
            with self._wake:
                if self._stop or generation != self._generation:
                    return
            self._write_unwritten()
            try:
                with self.store.db.transaction() as conn:
                    job = job_rows.claim_next(conn)
            except HntaiError:
                log.exception("job_claim_failed")
                job = None
            if job is None:
                with self._wake:
                    if not self._stop:
                        self._wake.wait(timeout=1.0)
                continue
            self._run(job)

    def _run(self, job: job_rows.JobRow) -> None:
        flag = threading.Event()
        ctx = JobContext(job.id, self.clock() + job.timeout_s, flag, self.emit, self.clock)
        run = _Running(job, ctx)
        with self._wake:
            self._running[job.id] = flag
            self._current = run
        log.info("job_started", extra={"job_id": job.id, "kind": job.kind,
                                       "attempt": job.attempts})
        try:
            handler = self.handlers[job.kind]
            try:
                writer = handler(ctx, job)
            except StageInterrupted:
                raise ctx.stop_reason() or JobTimeout("the job was stopped") from None
            ctx.checkpoint()
            with self.store.db.transaction() as conn:
                # Not running any more: given up by the watchdog.
                if job_rows.get(conn, job.id).state is not JobState.RUNNING:
                    log.info("job_outcome_dropped", extra={"job_id": job.id})
                    return
                result = dict(writer(conn))
                if job_rows.finish(conn, job.id, JobState.SUCCEEDED, result=result):
                    _forget_source(conn, job)
                    audit.append(conn, audit.AuditEvent(
                        "job.finish", user_id=job.submitted_by, resource_type="job",
                        resource_id=job.id, request_data=_audit_summary(result),
                    ))
            log.info("job_succeeded", extra={"job_id": job.id})
            self.emit(JobFinished(job.id, result))
        except Cancelled as exc:
            if self._interrupted(job):
                log.info("job_interrupted", extra={"job_id": job.id})
            else:
                self._fail(job, exc)
        except HntaiError as exc:
            self._fail(job, exc)
        except Exception as exc:  # never let one job take the engine down
            if (storage := storage_failure(exc)) is not None:  # e.g. a stage update on a full disk
                self._fail(job, storage)
                return
            log.exception("job_crashed", extra={"job_id": job.id})
            self._fail(job, InternalError("unexpected failure while processing",
                                          {"error": type(exc).__name__}))
        finally:
            with self._wake:
                if self._current is run:
                    self._current = None
                    self._running.pop(job.id, None)

    # --- the watchdog -----------------------------------------------------------------

    def _watch(self) -> None:
        while True:
            with self._wake:
                if self._stop:
                    return
                run = self._current
            if run is not None:
                self._check(run)
            time.sleep(WATCH_EVERY_S)

    def _check(self, run: _Running) -> None:
        reason = run.ctx.stop_reason()
        if reason is None or run.abandoned:
            return
        now = self.clock()
        if run.overdue_since is None:
            run.overdue_since = now
            return
        overdue = now - run.overdue_since
        if overdue >= GRACE_S and run.ctx.interrupt():
            log.warning("job_interrupted_by_watchdog", extra={"job_id": run.job.id,
                                                              "code": reason.code.value})
        if overdue < ABANDON_S:
            return
        with self._wake:
            if self._current is not run or self._stop:
                return
            run.abandoned = True
            self._current = None
            self._running.pop(run.job.id, None)
            self._generation += 1
            self._thread = self._worker()
        log.warning("job_worker_replaced", extra={"job_id": run.job.id,
                                                  "code": reason.code.value})
        self._fail(run.job, reason)
        self._thread.start()

    def _interrupted(self, job: job_rows.JobRow) -> bool:
        """A stop (lock, shutdown, the client gone) rather than the user's cancel: the job
        stays ``running`` in the store and the next start's ``recover`` queues it again."""
        with self._wake:
            if not self._stop:
                return False
        with self.store.db.locked() as conn:
            return not job_rows.get(conn, job.id).cancel_requested

    def _fail(self, job: job_rows.JobRow, exc: HntaiError, announce: bool = True) -> None:
        """Record a failure; ``announce`` is False for the quiet retries of an unwritten one."""
        if announce:
            log.info("job_failed", extra={"job_id": job.id, "code": exc.code.value})
        try:
            with self.store.db.transaction() as conn:
                self._finish_failed(conn, job, exc, announce=announce)
            self._unwritten.pop(job.id, None)
        except HntaiError:
            # The disk is full or read-only: say so now, write the outcome once it can be.
            if announce:
                log.exception("job_fail_write_failed", extra={"job_id": job.id})
                self.emit(JobFailed(job.id, ErrorInfo.of(exc)))
            self._unwritten[job.id] = (job, exc)

    def _write_unwritten(self) -> None:
        for job, exc in list(self._unwritten.values()):
            self._fail(job, exc, announce=False)

    def _finish_failed(self, conn, job: job_rows.JobRow, exc: HntaiError,
                       user: str | None = None, announce: bool = True) -> None:
        state = JobState.CANCELLED if isinstance(exc, Cancelled) else JobState.FAILED
        if job_rows.finish(conn, job.id, state, error_code=exc.code.value,
                           error_message=exc.message):
            if exc.code in _FILE_FAULTS:
                _forget_source(conn, job)
            # A cancel is what was asked for: audited as done, not as a failure.
            cancelled = state is JobState.CANCELLED
            audit.append(conn, audit.AuditEvent(
                "job.cancel" if cancelled else "job.fail",
                user_id=user or job.submitted_by, resource_type="job", resource_id=job.id,
                response_status="success" if cancelled else "failure",
                error_message=None if cancelled else exc.code.value,
            ))
            if announce:
                self.emit(JobFailed(job.id, ErrorInfo.of(exc)))


def _forget_source(conn, job: job_rows.JobRow) -> None:
    if "path" in job.payload:
        job_rows.update_payload(conn, job.id, {"path": None})


def _audit_summary(result: Mapping[str, Any]) -> dict[str, Any]:
    """Only ids and counts from a result go into the audit row (never text)."""
    return {k: v for k, v in result.items() if k.endswith(("_id", "_count", "counts"))}
