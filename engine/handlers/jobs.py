"""Jobs: submit a document, judge file names, cancel, retry, look up, list."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine import protocol as p
from engine.documents.file_names import NameJudge
from engine.errors import InvalidRequest
from engine.handlers.replies import job_info
from engine.handlers.scrubbing import site_lexicon_of
from engine.store import documents, job_rows, records
from engine.store import settings as store_settings

if TYPE_CHECKING:
    from engine.handlers.session import Session
    from engine.service import EngineService


def submit_job(session: Session, conn: Any, kind: p.JobKind, payload: dict[str, Any],
               priority: int, audit_data: dict[str, Any]) -> job_rows.JobRow:
    """Insert a job and its audit row in the caller's transaction."""
    job = job_rows.insert(
        conn, kind, payload, priority=priority,
        max_attempts=int(store_settings.get(conn, "jobs.max_attempts")),
        timeout_s=float(store_settings.get(conn, "jobs.timeout_s")),
        submitted_by=session.username,
    )
    session.audit(conn, "job.submit", "job", job.id,
                  request_data={"kind": kind, "priority": priority, **audit_data})
    return job


def acknowledge(engine: EngineService, job: job_rows.JobRow) -> p.JobInfo:
    # Called after the transaction: a job is acknowledged only once its row is committed.
    assert engine.runner is not None
    engine.runner.wake()
    return job_info(job)


def process(engine: EngineService, req: p.ProcessDocument) -> p.JobInfo:
    session = engine.require(p.Permission.DOCUMENT_SUBMIT)
    # Links are resolved, checked and opened when the job runs (engine/documents/source):
    # the submitted path is kept as it was given, made absolute.
    path = Path(os.path.abspath(Path(req.path).expanduser()))
    # The file name is judged like text: only a plainly harmless one is kept.
    judge = NameJudge.build(site_lexicon_of(session.store))
    with session.write() as conn:
        # A new record is written with its first document (engine/store/records.py).
        record_id = req.record_id or records.new_id()
        if req.record_id:
            records.require(conn, record_id)
        name = judge.source_name(path.name, documents.next_number(conn, record_id))
        job = submit_job(
            session, conn, p.JobKind.PROCESS_DOCUMENT,
            {"path": str(path), "record_id": record_id, "source_name": name},
            req.priority, {"record_id": record_id})
    return acknowledge(engine, job)


def showable_names(engine: EngineService, req: p.ShowableNames) -> list[str | None]:
    session = engine.require(p.Permission.DOCUMENT_SUBMIT)
    judge = NameJudge.build(site_lexicon_of(session.store))
    return [judge.shown(name) for name in req.names]


def cancel(engine: EngineService, req: p.CancelJob) -> p.JobInfo:
    session = engine.require(p.Permission.JOB_CONTROL, "job", req.job_id)
    assert engine.runner is not None
    return job_info(engine.runner.cancel(req.job_id, session.username))


def retry(engine: EngineService, req: p.RetryJob) -> p.JobInfo:
    session = engine.require(p.Permission.JOB_CONTROL, "job", req.job_id)
    with session.write() as conn:
        job = job_rows.get(conn, req.job_id)
        if job.state not in (p.JobState.FAILED, p.JobState.CANCELLED):
            raise InvalidRequest("only failed or cancelled jobs can be retried")
        if job.kind == p.JobKind.PROCESS_DOCUMENT and "path" not in job.payload:
            # Dropped when the file itself was refused (engine/jobs/runner.py): it may
            # name the patient.
            raise InvalidRequest("HNTAI does not keep where a refused file was: add the "
                                 "file again")
        job_rows.retry_failed(conn, job.id)
        session.audit(conn, "job.retry", "job", job.id, request_data={"reason": "user"})
        job = job_rows.get(conn, job.id)
    return acknowledge(engine, job)


def get_job(engine: EngineService, req: p.GetJob) -> p.JobInfo:
    with engine.require(p.Permission.JOB_VIEW).read() as conn:
        return job_info(job_rows.get(conn, req.job_id))


def list_jobs(engine: EngineService, req: p.ListJobs) -> list[p.JobInfo]:
    with engine.require(p.Permission.JOB_VIEW).read() as conn:
        return [job_info(j) for j in job_rows.list_recent(conn, req.limit, tuple(req.states))]


HANDLERS = {p.ProcessDocument: process, p.ShowableNames: showable_names, p.CancelJob: cancel,
            p.RetryJob: retry, p.GetJob: get_job, p.ListJobs: list_jobs}
