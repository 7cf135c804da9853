"""Summaries: queue one, read one."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from engine import protocol as p
from engine.errors import InvalidRequest
from engine.handlers.jobs import acknowledge, submit_job
from engine.store import stand_ins, summaries

if TYPE_CHECKING:
    from engine.service import EngineService


def summarize(engine: EngineService, req: p.Summarize) -> p.JobInfo:
    session = engine.require(p.Permission.SUMMARY_CREATE, "record", req.record_id)
    if not req.record_id and not req.document_ids:
        raise InvalidRequest("name a record or documents to summarize")
    with session.write() as conn:
        job = submit_job(
            session, conn, p.JobKind.SUMMARIZE,
            {"record_id": req.record_id, "document_ids": list(req.document_ids),
             "model": req.model, "use_model": req.use_model, "use_cache": req.use_cache},
            req.priority, {"record_id": req.record_id, "documents": len(req.document_ids)})
    return acknowledge(engine, job)


def get_summary(engine: EngineService, req: p.GetSummary) -> p.StoredSummary:
    session = engine.require(p.Permission.SUMMARY_CREATE, "summary", req.summary_id)
    with session.audited("summary.read", "summary", req.summary_id, phi_accessed=True) as conn:
        s = summaries.get(conn, req.summary_id)
        replaced = stand_ins.of_documents(conn, s.document_ids)  # the view tags them
    return replace(s, stand_ins=tuple(replaced))


HANDLERS = {p.Summarize: summarize, p.GetSummary: get_summary}
