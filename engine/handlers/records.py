"""Records: list, find by MRN, set the MRN or the label, every document's facts at once.

Record identity: the MRN and the label are audited by what happened, never by value (the
label is typed by a person and may hold PHI despite the warning).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine import protocol as p
from engine.errors import AlreadyExists, InvalidRequest
from engine.handlers.scrubbing import site_lexicon_of
from engine.phi import Scrubber
from engine.store import documents, records, stand_ins

if TYPE_CHECKING:
    from engine.service import EngineService


def list_records(engine: EngineService, _req: p.ListRecords) -> list[p.RecordInfo]:
    with engine.require(p.Permission.RECORD_LIST).read() as conn:
        return records.list_all(conn)


def find_record(engine: EngineService, req: p.FindRecord) -> p.RecordInfo | None:
    session = engine.require(p.Permission.RECORD_FIND, "record")
    with session.write() as conn:
        found = records.find_by_mrn(conn, req.mrn)
        session.audit(conn, "record.find", "record", found.id if found else None,
                      request_data={"by": "mrn", "found": found is not None})
    return found


def set_record_mrn(engine: EngineService, req: p.SetRecordMrn) -> p.RecordInfo:
    session = engine.require(p.Permission.RECORD_MRN, "record", req.record_id)
    with session.read() as conn:
        linked = records.info(conn, req.record_id).mrn_linked
    if linked:
        session.require(p.Permission.RECORD_MRN_CHANGE, "record", req.record_id)
    try:
        with session.write() as conn:
            info = records.set_mrn(conn, req.record_id, req.mrn)
            session.audit(conn, "record.mrn", "record", req.record_id,
                          request_data={"linked": info.mrn_linked, "replaced": linked})
    except AlreadyExists as exc:  # the refusal names the other record: on record too
        session.audit_outcome("record.mrn", exc, resource_type="record",
                              resource_id=req.record_id)
        raise
    return info


def set_record_label(engine: EngineService, req: p.SetRecordLabel) -> p.RecordInfo:
    session = engine.require(p.Permission.RECORD_LABEL, "record", req.record_id)
    label = records.clean_label(req.label)
    found = Scrubber(site=site_lexicon_of(session.store)).detect(label) if label else []
    if found:  # only the kinds found go back and into the audit, never the text
        kinds = sorted({str(getattr(d.type, "value", d.type)) for d in found})
        error = InvalidRequest("the label looks like it holds an identifier", {"types": kinds})
        session.audit_outcome("record.label", error, {"types": kinds},
                              resource_type="record", resource_id=req.record_id)
        raise error
    with session.write() as conn:
        info = records.set_label(conn, req.record_id, label or "")
        session.audit(conn, "record.label", "record", req.record_id,
                      request_data={"labelled": info.label is not None})
    return info


def get_record_facts(engine: EngineService, req: p.GetRecordFacts) -> p.RecordFacts:
    """Every document's facts in one reply and one audit entry (counts only): the record's
    clinical tables merge them."""
    session = engine.require(p.Permission.DOCUMENT_READ, "record", req.record_id)
    with session.write() as conn:
        records.get(conn, req.record_id)  # NOT_FOUND for no such record
        metas = sorted(documents.list_meta(conn, req.record_id), key=lambda m: m.created_at)
        entities: list[dict[str, Any]] = []
        no_known_allergies = False
        for meta in metas if req.entities else ():
            extraction = documents.get_content(conn, meta.id, "extraction").extraction or {}
            no_known_allergies |= bool(extraction.get("no_known_allergies"))
            entities += [{**e, "document_id": meta.id} for e in extraction.get("entities", ())]
        replaced = stand_ins.of_documents(conn, [m.id for m in metas])
        session.audit(conn, "record.facts", "record", req.record_id, phi_accessed=True,
                      request_data={"documents": len(metas), "entities": len(entities)})
    return p.RecordFacts(req.record_id, p.EntityChunks.of(entities), no_known_allergies,
                         tuple(metas), tuple(replaced))


HANDLERS = {p.ListRecords: list_records, p.FindRecord: find_record,
            p.SetRecordMrn: set_record_mrn, p.SetRecordLabel: set_record_label,
            p.GetRecordFacts: get_record_facts}
