"""Clinical extraction on real note text: entities, attributes, sections and codes."""

from __future__ import annotations

import pytest

from engine.clinical import ClinicalExtraction, extract_clinical

NOTE = """HISTORY OF PRESENT ILLNESS: 67-year-old man with cough. He denies chest pain.
PAST MEDICAL HISTORY: Hypertension, type 2 diabetes mellitus.
MEDICATIONS:
1. Metformin 1000 mg by mouth twice daily.
2. Albuterol inhaler 2 puffs every 4 hours as needed for wheezing.
3. Stop lisinopril.
ALLERGIES: Penicillin (hives), sulfa drugs (rash).
FAMILY HISTORY: Mother had breast cancer.
VITAL SIGNS: BP 128/76, HR 82, RR 18, Temp 37.1 C, SpO2 95% on room air, Weight 80 kg.
LABS: WBC 13.2 K/uL (ref 4.5-11.0), creatinine 1.1 mg/dL, potassium 3.1 mmol/L.
ASSESSMENT AND PLAN: Possible pneumonia. Start amoxicillin-clavulanate 875 mg twice daily
for 5 days. Chest x-ray in 6 weeks.
"""


@pytest.fixture(scope="module")
def extraction() -> ClinicalExtraction:
    return extract_clinical(NOTE)


def _one(extraction, kind, text):
    found = [e for e in extraction.of_type(kind) if e.text.lower() == text.lower()]
    assert found, [e.text for e in extraction.of_type(kind)]
    return found[0]


def test_offsets_point_into_the_text(extraction):
    assert extraction.entities
    for e in extraction.entities:
        assert NOTE[e.start:e.end] == e.text


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Metformin", {"strength": "1000 mg", "route": "by mouth", "frequency": "twice daily",
                       "prn": False, "status": "active"}),
        ("Albuterol", {"form": "inhaler", "frequency": "every 4 hours", "prn": True,
                       "indication": "wheezing"}),
        ("lisinopril", {"status": "stopped"}),
        ("amoxicillin-clavulanate", {"strength": "875 mg", "duration": "5 days",
                                     "status": "started"}),
    ],
)
def test_medication_attributes(extraction, name, expected):
    med = _one(extraction, "medication", name)
    for key, value in expected.items():
        assert med.attributes.get(key) == value, (key, med.attributes)


def test_medication_codes(extraction):
    assert _one(extraction, "medication", "Metformin").code.code == "6809"
    assert _one(extraction, "problem", "Hypertension").code.code == "I10"


@pytest.mark.parametrize(
    ("name", "attrs"),
    [
        ("blood pressure", {"systolic": 128, "diastolic": 76, "unit": "mm[Hg]"}),
        ("heart rate", {"value": 82.0, "unit": "/min"}),
        ("respiratory rate", {"value": 18.0}),
        ("body temperature", {"value": 37.1, "unit": "Cel"}),
        ("oxygen saturation", {"value": 95.0, "unit": "%"}),
        ("body weight", {"value": 80.0, "unit": "kg"}),
    ],
)
def test_vitals(extraction, name, attrs):
    vital = next(v for v in extraction.of_type("vital") if v.attributes["name"] == name)
    for key, value in attrs.items():
        assert vital.attributes[key] == value


@pytest.mark.parametrize(
    ("name", "value", "abnormal", "loinc"),
    [("WBC", 13.2, "H", "6690-2"), ("creatinine", 1.1, None, "38483-4"),
     ("potassium", 3.1, "L", "6298-4")],
)
def test_labs(extraction, name, value, abnormal, loinc):
    lab = _one(extraction, "lab", name)
    assert lab.attributes["value"] == value and lab.attributes["abnormal"] == abnormal
    assert lab.code.code == loinc


def test_allergies_and_sections(extraction):
    allergies = {a.attributes["substance"]: a.attributes for a in extraction.of_type("allergy")}
    assert allergies["Penicillin"]["reaction"] == "hives"
    assert "sulfa drugs" in allergies
    assert not extraction.no_known_allergies
    names = [s.name for s in extraction.sections]
    assert {"hpi", "pmh", "medications", "allergies", "family_history", "exam", "labs",
            "assessment_plan"} <= set(names)


@pytest.mark.parametrize("text", ["ALLERGIES: NKDA.", "Allergies: No known drug allergies."])
def test_nkda(text):
    result = extract_clinical(text)
    assert result.no_known_allergies and not result.of_type("allergy")


def test_round_trip_dict(extraction):
    again = ClinicalExtraction.from_dict(extraction.to_dict())
    assert again == extraction


def test_empty_text():
    assert extract_clinical("").entities == ()
