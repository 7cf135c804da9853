"""Request handlers, one module per area; each exports its ``HANDLERS`` table (request type
→ ``handler(engine, request)``). ``EngineService`` dispatches through the merged table."""

from engine.handlers import (
    audit,
    dictation,
    documents,
    jobs,
    models,
    records,
    settings,
    status,
    store,
    summaries,
    users,
)

HANDLERS = {**store.HANDLERS, **users.HANDLERS, **jobs.HANDLERS, **records.HANDLERS,
            **documents.HANDLERS, **summaries.HANDLERS, **models.HANDLERS,
            **dictation.HANDLERS, **settings.HANDLERS, **audit.HANDLERS, **status.HANDLERS}
