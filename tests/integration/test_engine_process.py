"""A real engine process: documents in, coded errors out, queries answered meanwhile."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from engine import protocol as p
from engine.client import EngineClient
from engine.errors import AuthFailed, InvalidRequest, PermissionDenied
from engine.store import unlock


def _manifest(eval_dir: Path) -> dict:
    return json.loads((eval_dir / "documents" / "MANIFEST.json").read_text())


def test_eval_documents_good_and_bad(engine, eval_dir):
    manifest = _manifest(eval_dir)
    names = list(manifest["good"]) + list(manifest["bad"])
    jobs = {}
    for name in names:
        info = engine.request(p.ProcessDocument(path=str(eval_dir / "documents" / name)))
        jobs[info.id] = name
    done = engine.wait_jobs(jobs, timeout=900)
    outcome = {jobs[j]: info for j, info in done.items()}
    for name in manifest["good"]:
        assert outcome[name].state == "succeeded", (name, outcome[name].error)
        assert outcome[name].result["page_count"] >= 1
    for name, codes in manifest["bad"].items():
        assert outcome[name].state == "failed", name
        assert outcome[name].error.code in codes, (name, outcome[name].error)
    status = engine.request(p.GetStatus())
    assert status.unlocked and status.store_ok
    assert engine.request(p.AuditVerify()).ok


def test_queries_answer_while_a_long_job_runs(engine, eval_dir):
    scanned = eval_dir / "documents" / "note_1315_scanned.pdf"
    job = engine.request(p.ProcessDocument(path=str(scanned)))
    seen_running = False
    for _ in range(200):  # an answer that says "running" was given while the job ran
        info = engine.request(p.GetJob(job_id=job.id))
        status = engine.request(p.GetStatus())
        assert status.unlocked
        if info.state == "running":
            seen_running = True
            break
    assert seen_running, "the job never was observed running while queries were answered"
    assert engine.wait_jobs([job.id], timeout=300)[job.id].state == "succeeded"


def test_wrong_password_opens_nothing(engine, tmp_path, credentials):
    data_dir = engine.data_dir
    engine.close()
    with EngineClient(data_dir) as fresh:
        with pytest.raises(AuthFailed):
            fresh.request(p.Unlock(username=credentials[0], password="wrong password!"))
        status = fresh.request(p.GetStatus())
        assert not status.unlocked and status.store_ok is None
        with pytest.raises(AuthFailed):
            fresh.request(p.ListJobs())


def test_store_bytes_hold_no_plaintext(engine, eval_dir, tmp_path):
    manifest = _manifest(eval_dir)
    markers = list(manifest["plaintext_markers"])
    # The markers go in as file names (kept, encrypted, as each document's source name unless
    # the name could identify a patient, then a neutral one) and as document content.
    jobs = []
    for i, marker in enumerate(markers):
        path = tmp_path / f"{marker}.txt"
        shutil.copy(eval_dir / "documents" / ("note_1315.txt", "note_3914.txt",
                                              "note_4141.txt")[i % 3], path)
        jobs.append(engine.request(p.ProcessDocument(path=str(path))).id)
    done = engine.wait_jobs(jobs, timeout=300)
    assert all(info.state == "succeeded" for info in done.values())
    names = [d.source_name for d in engine.request(p.ListDocuments())]
    assert len(names) == len(markers)  # readable through the key…
    assert all(n in {f"{m}.txt" for m in markers} or n.startswith("document ") for n in names)
    engine.close()  # the engine checkpoints the WAL as it closes the store
    files = [f for f in engine.data_dir.rglob("*") if f.is_file()]
    assert any(f.name == "hntai.db" for f in files)
    for path in files:  # …and nowhere in the clear
        raw = path.read_bytes()
        for marker in markers:
            for encoding in ("utf-8", "utf-16-le"):
                assert marker.encode(encoding) not in raw, (path.name, marker)


def test_clerk_is_refused_content_and_audit(engine, eval_dir):
    engine.request(p.AddUser(username="clerk1", role="clerk", password="clerk password"))
    job = engine.request(p.ProcessDocument(path=str(eval_dir / "documents" / "note_1315.txt")))
    doc_id = engine.wait_jobs([job.id], timeout=120)[job.id].result["document_id"]
    engine.request(p.Unlock(username="clerk1", password="clerk password"))
    with pytest.raises(PermissionDenied):
        engine.request(p.GetDocument(document_id=doc_id))
    with pytest.raises(PermissionDenied):
        engine.request(p.AuditVerify())
    assert engine.request(p.ListDocuments())  # metadata is fine for a clerk
    engine.request(p.Unlock(username="admin", password="integration pass 1"))
    export = engine.request(p.AuditExport(fmt="jsonl"))
    denied = [json.loads(line) for line in export.splitlines()
              if json.loads(line)["response_status"] == "denied"]
    assert {d["action"] for d in denied} == {"document.read", "audit.read"}
    assert all(d["user_id"] == "clerk1" for d in denied)


def test_missing_file_fails_alone(engine, tmp_path):
    gone = tmp_path / "gone.txt"
    gone.write_text("temporary")
    job = engine.request(p.ProcessDocument(path=str(gone)))
    gone.unlink()
    ok_file = tmp_path / "ok.txt"
    ok_file.write_text("Chest pain resolved after aspirin.")
    ok_job = engine.request(p.ProcessDocument(path=str(ok_file)))
    done = engine.wait_jobs([job.id, ok_job.id], timeout=120)
    assert done[job.id].error.code in ("FILE_NOT_FOUND",)
    assert done[ok_job.id].state == "succeeded"


def test_cancel_and_retry(engine, eval_dir, tmp_path):
    scanned = tmp_path / "scan.pdf"
    shutil.copy(eval_dir / "documents" / "note_3914_scanned.pdf", scanned)
    blocker = engine.request(p.ProcessDocument(path=str(scanned)))
    queued = engine.request(p.ProcessDocument(path=str(scanned)))
    cancelled = engine.request(p.CancelJob(job_id=queued.id))
    assert cancelled.state == "cancelled"
    engine.request(p.CancelJob(job_id=blocker.id))
    done = engine.wait_jobs([blocker.id], timeout=300)
    assert done[blocker.id].state in ("cancelled", "succeeded")  # it may finish first
    retried = engine.request(p.RetryJob(job_id=queued.id))
    assert retried.state == "queued"
    assert engine.wait_jobs([queued.id], timeout=300)[queued.id].state == "succeeded"


KNOWN_PHI = ["Margaret", "Thornbury", "04/17/1948", "00482913", "Okafor", "1184 Willow Creek",
             "Dayton", "45419", "555-0148", "Riverside", "03/02/2024", "06/04/2024"]


def test_known_phi_is_nowhere_in_the_store_logs_or_audit(engine, samples_dir, tmp_path,
                                                         credentials):
    note = tmp_path / "note.txt"
    shutil.copy(samples_dir / "clinic_note.txt", note)
    original = note.read_text()
    assert all(v in original for v in KNOWN_PHI)
    job = engine.request(p.ProcessDocument(path=str(note)))
    info = engine.wait_jobs([job.id], timeout=120)[job.id]
    assert info.state == "succeeded" and info.result["phi_counts"]["NAME"] >= 3
    content = engine.request(p.GetDocument(document_id=info.result["document_id"]))
    assert "metformin" in content.scrubbed_text  # clinical content is kept
    # a span is its type and place only: no original value crosses
    assert content.phi_spans and all(len(row) == 3 for row in content.phi_spans.rows)
    assert p.PhiSpan._fields == ("type", "start", "end")
    audit_text = engine.request(p.AuditExport(fmt="jsonl"))
    data_dir = engine.data_dir
    engine.close()
    store = unlock(data_dir, *credentials)
    try:
        dumped = []
        tables = [r[0] for r in store.db.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            dumped += [repr(row) for row in store.db.conn.execute(f"SELECT * FROM {table}")]
    finally:
        store.close()
    logs = "".join(f.read_text() for f in (data_dir / "logs").glob("*"))
    for value in KNOWN_PHI:
        assert not any(value in row for row in dumped), value
        assert value not in logs and value not in audit_text, value


def test_audio_becomes_a_scrubbed_document(engine, eval_dir):
    clip = eval_dir / "audio" / "synthetic_dictation" / "dictation_1315.wav"
    job = engine.request(p.ProcessDocument(path=str(clip)))
    info = engine.wait_jobs([job.id], timeout=300)[job.id]
    assert info.state == "succeeded", info.error
    content = engine.request(p.GetDocument(document_id=info.result["document_id"]))
    assert content.meta.kind == "audio"
    assert len(content.scrubbed_text.split()) > 50
    assert content.extraction.entities.count


@pytest.fixture
def fixed_scrub_policy(tmp_path, monkeypatch):
    """A machine policy fixing the scrub policy, in place before the engine starts."""
    path = tmp_path / "policy.toml"
    path.write_text("[privacy]\nscrub_policy = 'safe_harbor'\n")
    monkeypatch.setenv("HNTAI_POLICY", str(path))


def test_a_setting_refused_by_policy_is_audited(fixed_scrub_policy, engine):
    with pytest.raises(PermissionDenied):
        engine.request(p.PutSetting(key="scrub.policy", value="redact"))
    engine.request(p.PutSetting(key="ocr.dpi", value=300))
    rows = engine.request(p.ListAudit(action="settings.change"))
    assert [(r.resource_id, r.response_status) for r in rows] == \
        [("ocr.dpi", "success"), ("scrub.policy", "denied")]
    settings = engine.request(p.GetSettings())
    assert settings.values["scrub.policy"] == "safe_harbor" and settings.fixed == {"scrub.policy"}
    assert engine.request(p.AuditVerify()).ok


def test_a_setting_outside_its_range_is_refused_naming_key_and_range(engine):
    for value in (21, 0):
        with pytest.raises(InvalidRequest) as err:
            engine.request(p.PutSetting(key="jobs.max_attempts", value=value))
        assert err.value.details == {"key": "jobs.max_attempts", "minimum": 1, "maximum": 20}
    with pytest.raises(InvalidRequest) as err:
        engine.request(p.PutSetting(key="scrub.policy", value="blackout"))
    assert err.value.details["choices"] == ["surrogate", "redact", "safe_harbor"]
    engine.request(p.PutSetting(key="jobs.max_attempts", value=20))
    settings = engine.request(p.GetSettings())
    assert settings.values["jobs.max_attempts"] == 20 and settings.fixed == frozenset()
    assert list(settings.values) == list(p.SETTINGS_SCHEMA)


def test_a_document_with_too_much_text_fails_alone(engine, tmp_path):
    engine.request(p.PutSetting(key="limits.max_text_million_chars", value=1))
    big = tmp_path / "long_report.txt"
    big.write_text("Blood pressure stable, continue lisinopril.\n" * 25_000)  # 1.1 M chars
    small = tmp_path / "short_note.txt"
    small.write_text("Blood pressure stable, continue lisinopril.\n")
    jobs = [engine.request(p.ProcessDocument(path=str(f))) for f in (big, small)]
    done = engine.wait_jobs([j.id for j in jobs], timeout=120)
    failed, ok = done[jobs[0].id], done[jobs[1].id]
    assert failed.state == "failed" and failed.error.code == "FILE_TOO_LARGE"
    assert "long_report" not in failed.error.message
    assert ok.state == "succeeded"


def test_retention_deletes_old_documents_in_a_running_engine(engine, tmp_path, credentials):
    notes = []
    for name in ("old_note.txt", "new_note.txt"):
        notes.append(tmp_path / name)
        notes[-1].write_text("Follow-up for hypertension; continue lisinopril.\n")
    jobs = [engine.request(p.ProcessDocument(path=str(n))) for n in notes]
    done = engine.wait_jobs([j.id for j in jobs], timeout=120)
    old, new = (done[j.id].result["document_id"] for j in jobs)
    # a second connection back-dates one document by 400 days, as time would
    store = unlock(engine.data_dir, *credentials)
    try:
        with store.db.transaction() as conn:
            conn.execute("UPDATE documents SET created_at = '2020-01-01T00:00:00.000000+00:00' "
                         "WHERE id = ?", (old,))
    finally:
        store.close()
    engine.request(p.PutSetting(key="retention.days", value=365))
    # a changed retention is swept before the engine takes its next request
    assert {d.id for d in engine.request(p.ListDocuments())} == {new}
    # the job that made it goes too: its payload holds the file's path
    assert {j.id for j in engine.request(p.ListJobs())} == {jobs[1].id}
    [row] = engine.request(p.ListAudit(action="retention."))
    assert json.loads(row.request_data)["document_ids"] == [old]
