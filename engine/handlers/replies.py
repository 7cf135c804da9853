"""Stored items shaped as replies."""

from __future__ import annotations

from engine import protocol as p
from engine.store import job_rows


def job_info(job: job_rows.JobRow) -> p.JobInfo:
    error = p.ErrorInfo(job.error_code, job.error_message or "") if job.error_code else None
    return p.JobInfo(
        id=job.id, kind=p.JobKind(job.kind), state=job.state, priority=job.priority,
        attempts=job.attempts, stage=job.stage, source_name=job.payload.get("source_name"),
        created_at=job.created_at, finished_at=job.finished_at, result=job.result, error=error,
        record_id=job.payload.get("record_id"),
    )
