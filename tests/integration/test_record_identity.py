"""A record found again by the patient's MRN through a real engine: only a keyed hash is
kept, labels and MRNs never reach the audit log, logs or any table in the clear, and who may
change what is enforced by the engine."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from engine import protocol as p
from engine.errors import AlreadyExists, InvalidRequest, PermissionDenied
from engine.store import unlock

MRN = "HX-558 2207"
LABEL = "Knee clinic, Tuesday group"


def _record(engine, tmp_path: Path, name: str) -> str:
    note = tmp_path / name
    note.write_text("Follow-up visit. Knee pain improving with physiotherapy.\n",
                    encoding="utf-8")
    job = engine.request(p.ProcessDocument(path=str(note)))
    assert engine.wait_jobs([job.id], timeout=300)[job.id].state == "succeeded"
    return job.record_id


def test_mrn_and_label_round_trip_without_a_trace(engine, credentials, tmp_path):
    first = _record(engine, tmp_path, "a.txt")
    second = _record(engine, tmp_path, "b.txt")
    assert engine.request(p.FindRecord(mrn=MRN)) is None
    linked = engine.request(p.SetRecordMrn(record_id=first, mrn=MRN))
    assert linked.mrn_linked and linked.document_count == 1
    found = engine.request(p.FindRecord(mrn="hx5582207"))
    assert found.id == first
    with pytest.raises(AlreadyExists):
        engine.request(p.SetRecordMrn(record_id=second, mrn=MRN))

    assert engine.request(p.SetRecordLabel(record_id=first, label=LABEL)).label == LABEL
    with pytest.raises(InvalidRequest) as refused:  # a name in a label is refused, by type
        engine.request(p.SetRecordLabel(record_id=second, label="Margaret Thornbury knee"))
    assert refused.value.details["types"] == ["NAME"]
    assert "Thornbury" not in str(refused.value)
    listed = {r.id: r for r in engine.request(p.ListRecords())}
    assert listed[first].label == LABEL and listed[second].label is None
    assert listed[first].mrn_linked and not listed[second].mrn_linked

    entries = engine.request(p.ListAudit(action="record."))
    actions = [e.action for e in entries]
    assert actions.count("record.find") == 2 and "record.mrn" in actions
    assert "record.label" in actions
    dumped = json.dumps([asdict(e) for e in entries])
    # parts of the MRN long enough that no hash, id or timestamp holds them by chance
    for secret in ("HX-558", "558 2207", "5582207", "Knee clinic", "Tuesday", "Thornbury"):
        assert secret not in dumped, secret
    label_rows = [e for e in entries if e.action == "record.label"]
    assert {e.response_status for e in label_rows} == {"success", "failure"}

    engine.close()
    data_dir = tmp_path / "data"
    store = unlock(data_dir, *credentials)
    try:
        with store.db.lock:
            tables = [r[0] for r in store.db.conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table'")]
            text = " ".join(str(v) for t in tables
                            for row in store.db.conn.execute(f"SELECT * FROM {t}") for v in row)
    finally:
        store.close()
    for secret in ("HX5582207", "HX-558", "Thornbury"):
        assert secret not in text, secret
    assert LABEL in text  # the label is kept (it is the user's note), only not in the audit
    assert text.count(LABEL) == 1
    logs = " ".join(f.read_text(errors="replace") for f in data_dir.rglob("*.log*"))
    for secret in ("HX5582207", "558 2207", "HX-558", "Knee clinic", "Thornbury"):
        assert secret not in logs, secret


def test_a_clerk_links_an_mrn_but_cannot_move_it(engine, tmp_path):
    record = _record(engine, tmp_path, "c.txt")
    engine.request(p.AddUser(username="desk", role="clerk", password="front desk pass 1"))
    engine.request(p.Unlock(username="desk", password="front desk pass 1"))
    engine.request(p.SetRecordMrn(record_id=record, mrn=MRN))
    assert engine.request(p.FindRecord(mrn=MRN)).id == record
    engine.request(p.SetRecordLabel(record_id=record, label="Front desk batch 3"))
    with pytest.raises(PermissionDenied):
        engine.request(p.SetRecordMrn(record_id=record, mrn="HX5582208"))
    with pytest.raises(PermissionDenied):
        engine.request(p.SetRecordMrn(record_id=record, mrn=""))
    assert engine.request(p.FindRecord(mrn=MRN)).id == record
