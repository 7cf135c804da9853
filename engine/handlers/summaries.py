"""Summaries: queue one, read one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine import protocol as p
from engine.errors import InvalidRequest
from engine.handlers.jobs import acknowledge, submit_job
from engine.jobs.summary import SUMMARIZE
from engine.store import stand_ins, summaries

if TYPE_CHECKING:
    from engine.service import EngineService


def summarize(engine: EngineService, req: p.Summarize) -> p.JobInfo:
    session = engine.require("summary.create", "record", req.record_id)
    if not req.record_id and not req.document_ids:
        raise InvalidRequest("name a record or documents to summarize")
    with session.write() as conn:
        job = submit_job(
            session, conn, SUMMARIZE,
            {"record_id": req.record_id, "document_ids": list(req.document_ids),
             "model": req.model, "use_model": req.use_model, "use_cache": req.use_cache},
            req.priority, {"record_id": req.record_id, "documents": len(req.document_ids)})
    return acknowledge(engine, job)


def get_summary(engine: EngineService, req: p.GetSummary) -> dict[str, Any]:
    session = engine.require("summary.create", "summary", req.summary_id)
    value = session.audited_read("summary", req.summary_id, summaries.get)
    with session.read() as conn:  # so that the view can tag stand-ins in the summary's text
        value["stand_ins"] = tuple(stand_ins.of_documents(conn, value["document_ids"]))
    return value


HANDLERS = {p.Summarize: summarize, p.GetSummary: get_summary}
