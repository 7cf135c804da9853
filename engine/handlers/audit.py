"""The audit trail: verify the chain, search it, export it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine import protocol as p
from engine.errors import InvalidRequest
from engine.store import audit

if TYPE_CHECKING:
    from engine.service import EngineService


def audit_verify(engine: EngineService, _req: p.AuditVerify) -> p.AuditVerifyInfo:
    session = engine.require(p.Permission.AUDIT_READ, "audit_log")
    with session.read() as conn:
        result = audit.verify(conn)
    return p.AuditVerifyInfo(result.ok, result.entries, result.first_broken_id, result.reason)


def list_audit(engine: EngineService, req: p.ListAudit) -> list[p.AuditEntry]:
    session = engine.require(p.Permission.AUDIT_READ, "audit_log")
    query = audit.AuditQuery(req.user_id, req.action, req.since, req.until, req.limit)
    with session.read() as conn:
        return audit.search(conn, query)


def audit_export(engine: EngineService, req: p.AuditExport) -> str:
    session = engine.require(p.Permission.AUDIT_READ, "audit_log")
    if req.fmt not in ("csv", "jsonl"):
        raise InvalidRequest("export format must be csv or jsonl")
    with session.audited("audit.export", "audit_log", request_data={"format": req.fmt}) as conn:
        text = "".join(audit.export(conn, req.fmt))
    return text


HANDLERS = {p.AuditVerify: audit_verify, p.ListAudit: list_audit, p.AuditExport: audit_export}
