"""At least 500 clinical terms, alone and in a sentence, come out of the scrubber unchanged."""

from __future__ import annotations

import json

import pytest
from redaction import REDACT

from engine.phi.lexicons import RESOURCES

TERMS = [ln.strip() for ln in (RESOURCES / "clinical_terms.txt").read_text().splitlines()
         if ln.strip() and not ln.startswith("#")]


def test_enough_terms():
    assert len(TERMS) >= 500


@pytest.mark.parametrize("template", ["{t}", "History of {t}.", "The patient has {t} today.",
                                      "Assessment: {t}, stable.", "{T} noted on exam."])
def test_terms_survive(template):
    changed = []
    for term in TERMS:
        text = template.format(t=term, T=term[:1].upper() + term[1:])
        if REDACT.scrub(text).text != text:
            changed.append(term)
    assert changed == []


def test_synthea_vocabulary_survives(eval_dir):
    """Display names from the Synthea bundles (RxNorm, SNOMED, LOINC codes) stay intact."""
    names: set[str] = set()
    for path in sorted((eval_dir / "fhir").glob("*.json"))[:5]:
        for entry in json.loads(path.read_text())["entry"]:
            res = entry["resource"]
            if res["resourceType"] in ("Condition", "MedicationRequest", "Observation"):
                code = res.get("code") or res.get("medicationCodeableConcept") or {}
                names.update(c["display"] for c in code.get("coding", []) if "display" in c)
    assert len(names) > 50
    changed = [n for n in names if REDACT.scrub(n).text != n]
    assert len(changed) / len(names) <= 0.02, changed


@pytest.mark.parametrize("service", ["ENT", "GI", "Cardiology", "Hematology Oncology",
                                     "Infectious Diseases", "Internal Medicine", "Psychiatry"])
def test_a_clinicians_service_is_no_organisation(service):
    out = REDACT.scrub(f"Discussed with Dr. Peter Hall of {service} today.").text
    assert out == f"Discussed with Dr. [NAME] of {service} today."


@pytest.mark.parametrize("text", ["She was transferred to the ICU.", "Admitted to the MICU.",
                                  "He presented to our ER today.", "Imaged at CT on 5/3/2021.",
                                  "Returned to the OR for washout."])
def test_hospital_units_and_tests_are_no_organisation(text):
    assert "[ORGANIZATION]" not in REDACT.scrub(text).text
