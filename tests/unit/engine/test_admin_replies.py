"""The summary, model, store and status replies: a summary stored by any version opens typed,
and each reply prints as the CLI printed it before the replies were typed (key for key)."""

from __future__ import annotations

import json
import pickle
from dataclasses import asdict

import pytest

from engine import protocol as p
from engine.cli.output import plain
from engine.clinical import extract_clinical
from engine.summary import SummaryDocument, summarize

# A summary as versions before the fact table stored it: grounding only counted, a grounded
# sentence's citations named the matched term, no footer, facts or choice.
OLD_SUMMARY = {
    "model": "smollm2", "narrative": "Diabetes, on metformin.", "markdown": "# Patient summary",
    "grounding": {"supported": 2, "unsupported": 1, "dropped": 1},
    "sections": {
        "overview": [{"text": "Diabetes, on metformin.", "citations": [
            {"term": "metformin", "document_id": "D-1", "start": 40, "end": 49}]}],
        "procedures": [{"text": "Knee arthroplasty", "date": None, "citations": [
            {"document_id": "D-1", "start": 60, "end": 77}]}],
        "allergies": [],
    },
}

NOTE = ("A 58-year-old man with type 2 diabetes mellitus and hypertension.\n"
        "ALLERGIES: Penicillin (rash).\n"
        "MEDICATIONS: Lisinopril 20 mg daily. Metformin 500 mg twice daily.\n"
        "LABS: Potassium 5.9 mmol/L. Hemoglobin A1c 8.1 %.\n"
        "PLAN: Recheck potassium in one week.\n")


def test_a_summary_stored_before_the_fact_table_opens_with_defaults():
    content = p.SummaryContent.from_plain(OLD_SUMMARY)
    assert (content.footer, content.facts, content.choice) == (None, None, None)
    assert content.grounding == p.Grounding(supported=2, unsupported=1, dropped=1)
    assert content.grounding.outcome is None
    [sentence] = content.sections["overview"]
    assert sentence.citations == (p.Citation("D-1", 40, 49, term="metformin"),)
    assert sentence.source is None and sentence.uses == ()
    assert content.sections["procedures"][0].more == {"date": None}
    assert content.sections["allergies"] == ()
    assert content.to_plain() == OLD_SUMMARY


@pytest.mark.parametrize(("stored", "content"), [
    ({}, p.SummaryContent()),
    ({"sections": {"plan": None}, "grounding": None}, p.SummaryContent(sections={"plan": ()})),
    ({"footer": "Built from the extracted facts only.", "model": "extractive"},
     p.SummaryContent("extractive", footer="Built from the extracted facts only.")),
    ({"grounding": {"dropped": 3, "statements": 4, "outcome": "checked"}},
     p.SummaryContent(grounding=p.Grounding(dropped=3, statements=4, outcome="checked"))),
    ({"sections": {"allergies": [{"text": "No known drug allergies", "citations": []}]}},
     p.SummaryContent(sections={"allergies": (p.SummaryItem("No known drug allergies"),)})),
    ({"sections": {"checks": [{"text": "Check potassium", "rule": "r", "source": "ESC 2021",
                               "facts": [2, 5], "uses": ["lisinopril"], "citations": []}]}},
     p.SummaryContent(sections={"checks": (p.SummaryItem(
         "Check potassium", source="ESC 2021", uses=("lisinopril",),
         more={"rule": "r", "facts": [2, 5]}),)})),
    ({"sections": {"overview": [{"citations": [{"document_id": "D-2", "start": 1, "end": 5}]}]}},
     p.SummaryContent(sections={"overview": (p.SummaryItem("", (p.Citation("D-2", 1, 5),)),)})),
    ({"choice": {"model": "extractive", "skipped": [{"model": "phi", "reason": "not installed"}]}},
     p.SummaryContent(choice=p.SummaryChoice("extractive",
                                             (p.PassedOver("phi", "not installed"),)))),
])
def test_stored_content_read_with_defaults_for_what_it_lacks(stored, content):
    assert p.SummaryContent.from_plain(stored) == content


def test_what_the_engine_stores_prints_back_key_for_key():
    doc = SummaryDocument("D-1", "Note", "2024-05-01", NOTE, extract_clinical(NOTE).to_dict())
    stored = json.loads(json.dumps(summarize([doc], None).to_dict()))  # as the store has it
    content = p.SummaryContent.from_plain(stored)
    assert json.dumps(content.to_plain(), sort_keys=True) == json.dumps(stored, sort_keys=True)
    checks = content.sections["checks"]
    assert "raas_hyperkalemia" in {c.more["rule"] for c in checks}
    assert all(c.source and c.uses for c in checks)
    assert all(c.document_id == "D-1" and c.start < c.end
               for items in content.sections.values() for item in items
               for c in item.citations)
    assert content.grounding.outcome == "none" and content.choice == p.SummaryChoice("extractive")


LOADED = p.ModelStatus("smollm2", "summary", "gguf", "cpu", 104_857_600, 1, 2.5, 30.0)


@pytest.mark.parametrize(("model", "printed"), [
    (p.ModelInfo("phi", "summary", "gguf", is_default=True, installed=False, chain=0),
     {"name": "phi", "task": "summary", "backend": "gguf", "is_default": True,
      "loaded": False, "installed": False, "chain": 0}),
    (p.ModelInfo("smollm2", "summary", "gguf", is_default=False, installed=True, chain=None,
                 loaded=LOADED),
     {"name": "smollm2", "task": "summary", "backend": "gguf", "is_default": False,
      "loaded": True, "installed": True, "chain": None, "device": "cpu",
      "memory_bytes": 104_857_600, "leases": 1, "idle_s": 2.5, "loaded_s": 30.0}),
])
def test_a_model_prints_as_before(model, printed):
    # in the same order too: ``models list`` without --json prints key=value in it
    assert list(plain([model])[0].items()) == list(printed.items())


MANIFEST = p.BackupManifest(1, "2026-12-05T03:00:30+00:00", 4, 37, "9f" * 32, 139_264,
                            "51" * 32, "d9" * 32)


@pytest.mark.parametrize(("result", "restored", "replaced"), [
    (p.RestoreResult(MANIFEST, False, None), False, None),
    (p.RestoreResult(MANIFEST, True, "pre-restore-20261205T030030-ab12"), True,
     "pre-restore-20261205T030030-ab12"),
])
def test_a_restore_prints_the_manifest_beside_its_outcome(result, restored, replaced):
    assert list(plain(result).items()) == [*asdict(MANIFEST).items(), ("restored", restored),
                                           ("replaced", replaced)]


def test_the_status_dumps_memory_and_models_as_mappings():
    memory = p.MemoryInfo(total_bytes=8 << 30, available_bytes=6 << 30, used_percent=25.0,
                          engine_rss_bytes=300 << 20, device="cuda",
                          vram_total_bytes=16 << 30, vram_free_bytes=15 << 30)
    status = p.EngineStatus("0.1.0", 1, 42, True, "admin", "admin", True, {"succeeded": 2},
                            memory, {"python": "3.11"}, (LOADED,), True)
    dumped = asdict(status)
    assert dumped["memory"] == {
        "total_bytes": 8 << 30, "available_bytes": 6 << 30, "used_percent": 25.0,
        "engine_rss_bytes": 300 << 20, "device": "cuda", "vram_total_bytes": 16 << 30,
        "vram_free_bytes": 15 << 30}
    assert dumped["models"] == ({"name": "smollm2", "task": "summary", "backend": "gguf",
                                 "device": "cpu", "memory_bytes": 104_857_600, "leases": 1,
                                 "idle_s": 2.5, "loaded_s": 30.0},)


@pytest.mark.parametrize("reply", [
    p.StoredSummary("S-1", "R-1", ("D-1",), "smollm2", "# Patient summary",
                    p.SummaryContent.from_plain(OLD_SUMMARY), "2026-12-05T03:00:00+00:00",
                    (p.StandIn("NAME", "Latoya Piazza"),)),
    p.ModelInfo("smollm2", "summary", "gguf", False, True, None, LOADED),
    p.ModelImport(("clinic-summary",), 2, 1024),
    p.RestoreResult(MANIFEST, True, "pre-restore-x"),
    p.DictationResult("Patient seen today.", None),
    p.AuditEntry(7, "2026-12-05T03:00:00+00:00", "admin", "summary.read", "summary", "S-1",
                 True, "ws", "{}", "success", None, "0" * 64, "1" * 64),
])
def test_replies_cross_the_queue(reply):
    assert pickle.loads(pickle.dumps(reply)) == reply
