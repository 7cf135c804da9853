"""C-CDA and FHIR files through a real engine: stored as their rendered narrative (no
markup), clinical vocabulary kept, the patient's name scrubbed, coded entries attached."""

from __future__ import annotations

import json
import re
from pathlib import Path

import defusedxml.ElementTree as SafeET

from engine import protocol as p

V3 = {"v3": "urn:hl7-org:v3"}
TAG = re.compile(r"</?[A-Za-z][\w:.-]*[\s/>]")  # markup ("<130 mg/dL" is a range, not one)


def _process(engine, path: Path) -> p.DocumentContent:
    job = engine.request(p.ProcessDocument(path=str(path)))
    info = engine.wait_jobs([job.id], timeout=300)[job.id]
    assert info.state == "succeeded", info.error
    return engine.request(p.GetDocument(document_id=info.result["document_id"]))


def _coded(content: p.DocumentContent, kind: str) -> list[p.ClinicalEntity]:
    return [e for e in content.extraction.entities.all()
            if e.type == kind and e.attributes.get("source") == "coded"]


def test_ccda_is_stored_as_scrubbed_narrative_with_coded_entries(engine, eval_dir):
    path = eval_dir / "ccda" / "HL7_Samples_CCD.sample.xml"
    patient = SafeET.parse(str(path)).getroot().find(
        "v3:recordTarget/v3:patientRole/v3:patient/v3:name", V3)
    names = [part.text.strip() for part in patient if part.text and part.text.strip()]
    content = _process(engine, path)
    text = content.scrubbed_text
    assert content.meta.kind == "ccda"
    assert not TAG.search(text) and "ClinicalDocument" not in text
    assert names and not any(name in text for name in names)
    allergies = _coded(content, "allergy")
    reactions = [a.attributes["reaction"] for a in allergies if a.attributes["reaction"]]
    assert reactions and all(reaction in text for reaction in reactions)  # not scrubbed
    for entity in content.extraction.entities.all():
        assert 0 <= entity.start < entity.end <= len(text)
    for allergy in allergies:  # each points at the narrative row naming its substance
        row = text[allergy.start:allergy.end].lower()
        assert allergy.attributes["reaction"].lower() in row
    assert any(allergy.code for allergy in allergies)


def test_fhir_bundle_is_stored_as_narrative_with_coded_entries(engine, eval_dir):
    path = sorted((eval_dir / "fhir").glob("*.json"))[0]
    bundle = json.loads(path.read_text())
    patient = next(e["resource"] for e in bundle["entry"]
                   if e["resource"]["resourceType"] == "Patient")
    family = patient["name"][0]["family"]
    content = _process(engine, path)
    text = content.scrubbed_text
    assert content.meta.kind == "fhir"
    assert '"resourceType"' not in text and not text.startswith("{")
    assert family not in text
    conditions = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Condition"]
    assert len(_coded(content, "problem")) == len(conditions)
    for entity in _coded(content, "problem"):
        assert entity.code.system == "http://snomed.info/sct"
        assert text[entity.start:entity.end] == entity.text
    # Dates are PHI: the onsets are stored shifted in the narrative, never as they were.
    onsets = {c["resource"]["onsetDateTime"][:10] for c in conditions
              if c["resource"].get("onsetDateTime")}
    stored = str(content.extraction) + text  # its entities' JSON text and sections too
    assert onsets and not any(onset in stored for onset in onsets)


def test_malformed_ccda_is_a_corrupt_file(engine, tmp_path):
    broken = tmp_path / "visit.xml"
    broken.write_text('<?xml version="1.0"?>\n<ClinicalDocument xmlns="urn:hl7-org:v3">'
                      "<title>Clinic visit</title><component><structuredBody>")
    job = engine.request(p.ProcessDocument(path=str(broken)))
    info = engine.wait_jobs([job.id], timeout=120)[job.id]
    assert info.state == "failed" and info.error.code == "CORRUPT_FILE"
