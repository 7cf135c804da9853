"""Summaries through a real engine: the embedded GGUF model, then the fallback when the
model file is gone; streaming events, caching, audit, role checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine import protocol as p
from engine.client import EngineClient
from engine.errors import PermissionDenied

ROOT = Path(__file__).resolve().parents[2]


def _record(engine, eval_dir) -> str:
    record = None
    jobs = []
    for name in ("note_1315.txt", "note_3914.txt"):
        info = engine.request(p.ProcessDocument(path=str(eval_dir / "documents" / name),
                                                record_id=record))
        record = info.record_id
        jobs.append(info.id)
    engine.wait_jobs(jobs, timeout=120)
    return record


def _summarize(engine, record, **kw):
    job = engine.request(p.Summarize(record_id=record, **kw))
    texts = []
    done = engine.wait_jobs([job.id], timeout=600, on_event=lambda e: texts.append(e.text)
                            if isinstance(e, p.JobText) else None)[job.id]
    assert done.state == "succeeded", done.error
    return done, texts


SMOLLM2 = "smollm2-135m-instruct-q4"  # the embedded test model, asked for by name


def test_summary_with_embedded_model_streams_caches_and_audits(engine, eval_dir):
    record = _record(engine, eval_dir)
    done, texts = _summarize(engine, record, model=SMOLLM2)
    assert done.result["model"] == SMOLLM2 and not done.result["cached"]
    assert texts  # the statements' words arrived while the job ran
    summary = engine.request(p.GetSummary(summary_id=done.result["summary_id"]))
    sections = summary.content.sections
    assert sections["medications"] and sections["active_problems"]
    assert summary.content.grounding.outcome == "checked"
    assert "each checked against the facts it cites" in summary.markdown
    again, _ = _summarize(engine, record, model=SMOLLM2)
    assert again.result["cached"] and again.result["summary_id"] == done.result["summary_id"]
    status = engine.request(p.GetStatus())
    assert [m.name for m in status.models] == [SMOLLM2]
    assert "hntai_model_loaded" in status.metrics
    trail = [json.loads(x) for x in engine.request(p.AuditExport(fmt="jsonl")).splitlines()]
    actions = [t["action"] for t in trail]
    assert "summary.create" in actions and "model.load" in actions


def test_the_shipped_chain_falls_back_to_extractive(engine, eval_dir):
    record = _record(engine, eval_dir)
    done, texts = _summarize(engine, record)  # no provisioned model here: the chain's end
    assert done.result["model"] == "extractive" and texts == []


def test_fallback_when_the_model_file_is_removed(tmp_path, eval_dir, monkeypatch):
    config = json.loads((ROOT / "models_config.json").read_text())
    for model in config["models"]:
        model.pop("package", None)  # look only in the (empty) model directory
    path = tmp_path / "models_config.json"
    path.write_text(json.dumps(config))
    monkeypatch.setenv("HNTAI_MODELS_CONFIG", str(path))
    with EngineClient(tmp_path / "data") as engine:
        engine.request(p.InitStore(admin="admin", password="fallback pass 1"))
        record = _record(engine, eval_dir)
        done, texts = _summarize(engine, record, model=SMOLLM2)
        assert done.result["model"] == "extractive" and texts == []
        summary = engine.request(p.GetSummary(summary_id=done.result["summary_id"]))
        assert "## Active problems" in summary.markdown
        trail = engine.request(p.AuditExport(fmt="jsonl"))
        assert "MODEL_NOT_FOUND" in trail  # each skipped model is on record


def test_clerk_cannot_summarize(engine, eval_dir):
    record = _record(engine, eval_dir)
    engine.request(p.AddUser(username="clerk2", role="clerk", password="clerk password"))
    engine.request(p.Unlock(username="clerk2", password="clerk password"))
    with pytest.raises(PermissionDenied):
        engine.request(p.Summarize(record_id=record))


def test_one_model_limit_evicts_the_first_in_a_real_engine(tmp_path, monkeypatch):
    config = json.loads((ROOT / "models_config.json").read_text())
    config["policy"]["max_loaded_models"] = 1
    path = tmp_path / "models_config.json"
    path.write_text(json.dumps(config))
    monkeypatch.setenv("HNTAI_MODELS_CONFIG", str(path))
    with EngineClient(tmp_path / "data") as engine:
        engine.request(p.InitStore(admin="admin", password="limit pass 12"))
        engine.request(p.LoadModel(name="smollm2-135m-instruct-q4"))
        assert [m.name for m in engine.request(p.GetStatus()).models] == [
            "smollm2-135m-instruct-q4"]
        engine.request(p.LoadModel(name="whisper-tiny-en"))
        assert [m.name for m in engine.request(p.GetStatus()).models] == ["whisper-tiny-en"]
        trail = [json.loads(x) for x in engine.request(p.AuditExport(fmt="jsonl")).splitlines()]
        evicted = [t for t in trail if t["action"] == "model.evict"]
        assert [t["resource_id"] for t in evicted] == ["smollm2-135m-instruct-q4"]
