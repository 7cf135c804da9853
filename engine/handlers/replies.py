"""Stored items shaped as replies."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any

from engine import protocol as p
from engine.store import job_rows


def shallow_dict(value: Any) -> dict[str, Any]:
    """A stored item as a reply: nested dataclasses become dicts, the lists and dicts just
    read from the store are passed as they are (``asdict`` copies them deeply, which for a
    long document's 15,000 PHI spans took longer than the read itself)."""
    return {f.name: shallow_dict(v) if is_dataclass(v := getattr(value, f.name)) else v
            for f in fields(value)}


def job_info(job: job_rows.JobRow) -> p.JobInfo:
    error = p.ErrorInfo(job.error_code, job.error_message or "") if job.error_code else None
    return p.JobInfo(
        id=job.id, kind=job.kind, state=job.state, priority=job.priority, attempts=job.attempts,
        stage=job.stage, source_name=job.payload.get("source_name"), created_at=job.created_at,
        finished_at=job.finished_at, result=job.result, error=error,
        record_id=job.payload.get("record_id"),
    )
