"""Documents: list a record's, read one (or its facts), export as FHIR or JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine import protocol as p
from engine.clinical import ClinicalExtraction, to_fhir_bundle
from engine.errors import InvalidRequest
from engine.store import documents, records, stand_ins

if TYPE_CHECKING:
    from engine.service import EngineService


def list_documents(engine: EngineService, req: p.ListDocuments) -> list[p.DocumentInfo]:
    with engine.require(p.Permission.DOCUMENT_LIST).read() as conn:
        return documents.list_meta(conn, req.record_id)


def get_document(engine: EngineService, req: p.GetDocument) -> p.DocumentContent:
    facts = req.part == "facts"
    if req.part not in documents.CONTENT_PARTS and not facts:
        raise InvalidRequest("part must be all, text, extraction or facts")
    session = engine.require(p.Permission.DOCUMENT_READ, "document", req.document_id)
    with session.audited("document.read", "document", req.document_id,
                         phi_accessed=True) as conn:
        stored = documents.get_content(conn, req.document_id, "extraction" if facts else req.part)
    replaced = ()
    if facts:  # for tables that mark replaced values (a moved date)
        with session.read() as conn:
            replaced = tuple(stand_ins.of_documents(conn, [req.document_id]))
    return p.DocumentContent(
        stored.meta, stored.scrubbed_text, p.PhiSpans.from_plain(stored.phi_spans),
        tuple(map(p.Page.from_plain, stored.pages)),
        None if stored.extraction is None else p.Extraction.from_plain(stored.extraction),
        replaced)


def export(engine: EngineService, req: p.Export) -> p.ExportResult:
    """A document's or record's extracted data as FHIR R4 or JSON (audited, PHI-free:
    everything in it comes from scrubbed text)."""
    if req.fmt not in ("fhir", "json"):
        raise InvalidRequest("export format must be fhir or json")
    session = engine.require(p.Permission.EXPORT, "export", req.target_id)
    with session.write() as conn:
        if req.target_id.startswith("R-"):
            record = records.get(conn, req.target_id)
            doc_ids = [m.id for m in documents.list_meta(conn, record.id)]
        else:
            doc_ids = [documents.get_meta(conn, req.target_id).id]
        contents = [documents.get_content(conn, d) for d in doc_ids]
        session.audit(conn, "export", "export", req.target_id, phi_accessed=True,
                      request_data={"format": req.fmt, "documents": len(doc_ids)})
    if req.fmt == "json":
        return p.ExportResult(req.fmt, {"documents": [
            {"document_id": c.meta.id, "record_id": c.meta.record_id,
             "extraction": c.extraction} for c in contents]}, len(contents))
    entries: list[dict[str, Any]] = []
    for content in contents:
        extraction = ClinicalExtraction.from_dict(content.extraction or {})
        bundle = to_fhir_bundle(extraction, patient_id=content.meta.record_id,
                                document_id=content.meta.id)
        entries += bundle["entry"] if not entries else bundle["entry"][1:]
    return p.ExportResult(req.fmt, {"resourceType": "Bundle", "type": "collection",
                                    "entry": entries}, len(entries))


HANDLERS = {p.ListDocuments: list_documents, p.GetDocument: get_document, p.Export: export}
