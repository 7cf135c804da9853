"""FHIR R4 export validated by fhir.resources; the `hntai extract` stream."""

from __future__ import annotations

import io
import json

import pytest
from fhir.resources.R4B.bundle import Bundle

from engine.clinical import extract_clinical, to_fhir_bundle
from engine.clinical.batch import run_extract_stream


@pytest.mark.parametrize("note", ["note_1315.txt", "note_3914.txt", "note_4141.txt"])
def test_bundle_validates(eval_dir, samples_dir, note):
    text = (eval_dir / "documents" / note).read_text()
    extraction = extract_clinical(text)
    assert extraction.entities
    bundle = to_fhir_bundle(extraction, patient_id="R-1", document_id="D-1")
    parsed = Bundle.model_validate(bundle)
    types = {e.resource.__resource_type__ for e in parsed.entry}
    assert "Patient" in types and len(types) >= 2


def test_sample_note_bundle_has_every_resource_kind(samples_dir):
    extraction = extract_clinical((samples_dir / "clinic_note.txt").read_text())
    bundle = Bundle.model_validate(to_fhir_bundle(extraction, patient_id="R-2"))
    kinds = {e.resource.__resource_type__ for e in bundle.entry}
    assert {"Condition", "MedicationStatement", "AllergyIntolerance", "Observation",
            "Procedure"} <= kinds
    categories = {c.coding[0].code for e in bundle.entry
                  if e.resource.__resource_type__ == "Observation" for c in e.resource.category}
    assert categories == {"vital-signs", "laboratory"}


def test_extract_jsonl_stream():
    lines = [json.dumps({"id": "a", "text": "Denies chest pain. Metformin 500 mg daily."}),
             "{broken"]
    out = io.StringIO()
    assert run_extract_stream(io.StringIO("\n".join(lines)), out, "jsonl") == 1
    first, second = (json.loads(x) for x in out.getvalue().splitlines())
    assert first["id"] == "a"
    by_text = {e["text"]: e for e in first["entities"]}
    assert by_text["chest pain"]["assertion"] == "negated"
    assert by_text["Metformin"]["code"] == {"system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                                             "code": "6809"}
    assert second["error"]["code"] == "INVALID_REQUEST"


def test_statuses_and_assertions_reach_the_bundle():
    text = ("HPI: Her mother has breast cancer. She is not allergic to latex. Possible allergy "
            "to amoxicillin. Her sister is allergic to sulfa. She was treated with ceftriaxone "
            "1 g IV daily.\nAllergies: penicillin (hives).\n")
    bundle = Bundle.model_validate(to_fhir_bundle(extract_clinical(text), patient_id="R-3"))
    resources = [e.resource for e in bundle.entry]
    allergies = {r.code.text: (r.verificationStatus.coding[0].code,
                               r.clinicalStatus.coding[0].code)
                 for r in resources if r.__resource_type__ == "AllergyIntolerance"}
    assert allergies == {"latex": ("refuted", "inactive"),
                         "amoxicillin": ("unconfirmed", "active"),
                         "penicillin": ("confirmed", "active")}  # not the sister's sulfa
    # the mother's cancer is no condition of the patient's
    assert not [r for r in resources if r.__resource_type__ == "Condition"]
    (given,) = [r for r in resources if r.__resource_type__ == "MedicationStatement"]
    assert given.status == "completed"
