"""The ``summarize`` job: a record's (or chosen documents') scrubbed content through the
model manager, streamed as it is written, stored with its citations, cached by input."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.errors import InvalidRequest
from engine.jobs.runner import JobContext, ResultWriter
from engine.models import ModelManager
from engine.models.registry import is_installed
from engine.protocol import JobProgress, JobText
from engine.store import Store, audit, documents, job_rows, records, summaries
from engine.summary import ModelChoice, SummaryDocument, SummaryOptions, cache_key, summarize

CACHE_SIZE = 500


def summary_documents(conn, payload: Mapping[str, Any]) -> tuple[str | None, list[SummaryDocument]]:
    record_id = payload.get("record_id")
    if record_id:
        records.get(conn, record_id)
        ids = [m.id for m in reversed(documents.list_meta(conn, record_id))]
    else:
        ids = list(payload.get("document_ids") or ())
    if not ids:
        raise InvalidRequest("nothing to summarize: no documents")
    docs = []
    for doc_id in ids:
        content = documents.get_content(conn, doc_id)
        record_id = record_id or content.meta.record_id
        if content.scrubbed_text is None:
            continue  # text withheld (never scrubbed): nothing may be summarized from it
        docs.append(SummaryDocument(doc_id, content.meta.source_name, None,
                                    content.scrubbed_text, content.extraction))
    if not docs:
        raise InvalidRequest("none of the documents has scrubbed text to summarize")
    return record_id, docs


class SummaryJob:
    def __init__(self, store: Store, manager: ModelManager) -> None:
        self.store = store
        self.manager = manager

    def models_to_try(self, first: str | None) -> str:
        """The installed models the chain would try, in order: a model installed since a
        summary was cached makes it stale (it would say the model is missing)."""
        config = self.manager.config
        return ">".join(n for n in config.chain("summary", first)
                        if is_installed(config.models[n], self.manager.model_dirs))

    def __call__(self, ctx: JobContext, job: job_rows.JobRow) -> ResultWriter:
        p = job.payload
        options = SummaryOptions(model=p.get("model"), use_model=p.get("use_model", True))
        with self.store.db.locked() as conn:
            record_id, docs = summary_documents(conn, p)
        key = cache_key(docs, self.models_to_try(options.model), options)
        if p.get("use_cache", True):
            with self.store.db.transaction() as conn:
                hit = summaries.cached(conn, key)
            if hit is not None:
                return lambda conn: {"summary_id": hit.id, "record_id": record_id,
                                     "model": hit.model, "cached": True}
        ctx.progress("summarize", "Writing the summary", 0, 1)

        def chosen(choice: ModelChoice) -> None:  # the window names the model before it writes
            ctx.emit(JobProgress(job.id, "summarize", choice.text(), 0, 1, choice.to_dict()))

        result = summarize(docs, self.manager, options,
                           on_token=lambda piece: ctx.emit(JobText(job.id, piece)),
                           checkpoint=ctx.checkpoint, on_model=chosen)

        def write(conn) -> Mapping[str, Any]:
            stored = summaries.insert(
                conn, record_id=record_id, document_ids=[d.document_id for d in docs],
                cache_key=key, model=result.model, markdown=result.markdown,
                content=result.to_dict(), created_by=job.submitted_by)
            summaries.prune(conn, CACHE_SIZE)
            audit.append(conn, audit.AuditEvent(
                "summary.create", user_id=job.submitted_by, resource_type="summary",
                resource_id=stored.id, phi_accessed=True,
                request_data={"record_id": record_id, "documents": len(docs),
                              "model": result.model, "grounding": result.grounding},
            ))
            return {"summary_id": stored.id, "record_id": record_id, "model": result.model,
                    "grounding": result.grounding, "cached": False}

        return write
