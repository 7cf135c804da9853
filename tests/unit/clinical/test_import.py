"""FHIR R4 and C-CDA input: every Synthea bundle imports and re-exports valid FHIR."""

from __future__ import annotations

import json

import pytest
from fhir.resources.R4B.bundle import Bundle

from engine.clinical import import_ccda, import_fhir_bundle, to_fhir_bundle
from engine.errors import HntaiError


def test_every_synthea_bundle_round_trips(eval_dir):
    paths = sorted((eval_dir / "fhir").glob("*.json"))
    assert len(paths) == 20
    for path in paths:
        bundle = json.loads(path.read_text())
        record = import_fhir_bundle(bundle)
        for e in record.extraction.entities:
            assert record.narrative[e.start:e.end] == e.text
        exported = Bundle.model_validate(to_fhir_bundle(record.extraction, patient_id="p"))
        conditions_in = {(c["code"]["coding"][0]["code"]) for c in
                         (x["resource"] for x in bundle["entry"])
                         if c["resourceType"] == "Condition"}
        conditions_out = {e.resource.code.coding[0].code for e in exported.entry
                          if e.resource.__resource_type__ == "Condition"}
        assert conditions_in <= conditions_out


def test_patient_identity_is_not_imported(eval_dir):
    path = sorted((eval_dir / "fhir").glob("*.json"))[0]
    bundle = json.loads(path.read_text())
    patient = next(e["resource"] for e in bundle["entry"]
                   if e["resource"]["resourceType"] == "Patient")
    family = patient["name"][0]["family"]
    assert family not in import_fhir_bundle(bundle).narrative


@pytest.mark.parametrize("name", ["HL7_Samples_CCD.sample.xml",
                                  "Cerner_Samples_Transition_of_Care_Referral_Summary.xml"])
def test_ccda_coded_entries(eval_dir, name):
    record = import_ccda(eval_dir / "ccda" / name)
    kinds = {e.type for e in record.extraction.entities}
    assert {"medication", "problem"} <= kinds
    coded = [e for e in record.extraction.entities if e.code]
    assert coded and all(e.code.system.startswith("http") for e in coded)


def test_hostile_xml_is_refused(tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">'
                    '<!ENTITY b "&a;&a;&a;&a;">]><ClinicalDocument>&b;</ClinicalDocument>')
    with pytest.raises(HntaiError) as err:
        import_ccda(bomb)
    assert err.value.code.value == "CORRUPT_FILE"


def test_not_a_bundle():
    with pytest.raises(HntaiError):
        import_fhir_bundle({"resourceType": "Patient"})
