"""Term lookup over the shipped lexicons, vital signs and lab values as written in notes and
in C-CDA tables, and C-CDA measurements read with their values."""

from __future__ import annotations

import pytest

from engine.clinical import extract_clinical
from engine.clinical.ccda_import import read_sections
from engine.clinical.vocabulary import load

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


@pytest.mark.parametrize(
    ("text", "kind", "matched", "code"),
    [
        ("Started Tylenol for pain.", "medication", "Tylenol", "161"),  # brand -> ingredient
        ("Given Augmentin.", "medication", "Augmentin", "19711"),
        ("Treated with cyclophosphamide.", "medication", "cyclophosphamide", None),
        ("History of seizures.", "problem", "seizures", "R56.9"),  # plural of a term
        ("Developed acute renal failure.", "problem", "acute renal failure", "N17.9"),
        ("Known hypotension.", "problem", "hypotension", "I95.9"),
        ("Shellfish allergy noted.", "allergy", "Shellfish allergy", "300913006"),
    ],
)
def test_lexicon_terms(text, kind, matched, code):
    found = [e for e in extract_clinical(text).entities if e.type == kind]
    assert [e.text for e in found] == [matched]
    if code is None:
        assert found[0].text.lower() in str(found[0].attributes.get("normalized")).lower()
    else:
        assert found[0].code is not None and found[0].code.code == code


@pytest.mark.parametrize("text", ["We walked in gold light over water.", "Iron will."])
def test_common_words_are_not_drugs(text):
    assert not extract_clinical(text).of_type("medication")


def test_lab_name_without_value_is_a_drug():
    meds = extract_clinical("Give potassium chloride now; potassium supplements.")
    assert [e.text for e in meds.of_type("medication")][-1] == "potassium"
    assert not meds.of_type("lab")


@pytest.mark.parametrize(
    ("text", "name", "value", "unit"),
    [
        ("Height | 178 cm | Status:", "body height", 178.0, "cm"),
        ("BP Diastolic | 96 | mm[Hg]", "diastolic blood pressure", 96.0, "mm[Hg]"),
        ("Systolic Blood Pressure [90-140 mmHg] 150 mmHg *HI*", "systolic blood pressure",
         150.0, "mm[Hg]"),
        ("Weight 180 lbs", "body weight", 81.6, "kg"),
        ("Ht 70 in", "body height", 177.8, "cm"),
        ("Temperature 101.2 F", "body temperature", 38.4, "Cel"),
        ("T 98.6 P 80", "heart rate", 80.0, "/min"),
        ("Pain 7/10 in the knee", "pain severity", 7.0, "{score}"),
        ("BMI 31.3 kg/m2", "body mass index", 31.3, "kg/m2"),
        ("O2 sat 93% on 2 L", "oxygen saturation", 93.0, "%"),
    ],
)
def test_vital_forms(text, name, value, unit):
    vitals = {v.attributes["name"]: v.attributes for v in extract_clinical(text).of_type("vital")}
    assert vitals[name]["value"] == value and vitals[name]["unit"] == unit


@pytest.mark.parametrize(
    ("text", "value", "unit", "reference", "abnormal"),
    [
        ("Na | 140 mmol/L", 140.0, "mmol/L", None, None),
        ("PLT (135-145 meq/l) | 123 (L)", 123.0, None, "135-145", "L"),
        ("Sodium Level [135-145 mmol/L] 128 mmol/L", 128.0, "mmol/L", "135-145", "L"),
        ("Troponin T | 0.01 ng/ml", 0.01, "ng/mL", None, None),
        ("WBC 13.2 K/uL (ref 4.5-11.0)", 13.2, "10*3/uL", "4.5-11.0", "H"),
        ("Glucose 250 mg/dL", 250.0, "mg/dL", None, "H"),
    ],
)
def test_lab_forms(text, value, unit, reference, abnormal):
    (lab,) = extract_clinical(text).of_type("lab")
    a = lab.attributes
    assert (a["value"], a["reference_range"], a["abnormal"]) == (value, reference, abnormal)
    if unit:
        assert a["unit"] == unit


def test_vocabulary_is_large_and_prioritised():
    vocabulary = load()
    assert len(vocabulary.terms) > 100_000
    assert vocabulary.get_typed("potassium", "lab").code.code == "6298-4"
    assert vocabulary.get_typed("metformin", "medication").code.system == RXNORM


def test_ccda_measurements_carry_values(eval_dir):
    path = eval_dir / "ccda" / (
        "Allscripts_Samples_Internal_Test_with_MU_2_data_170.314_b_1_InPt_Discharge_Summary_"
        "CED_Type.xml")
    vitals = next(s for s in read_sections(path) if s.kind == "vital")
    facts = {f.code.code: (f.value, f.unit) for f in vitals.facts if f.code}
    assert facts["8480-6"] == (150.0, "mm[Hg]") and facts["8302-2"] == (178.0, "cm")
    assert "Height | 178 cm" in vitals.narrative  # one table row a line
    found = {v.attributes["name"]: v.attributes.get("value")
             for v in extract_clinical(vitals.narrative).of_type("vital")}
    assert found["systolic blood pressure"] == 150.0 and found["body height"] == 178.0


def test_table_row_with_one_column_per_visit():
    text = "Weight | 86 kg | 88 kg\nBlood Pressure | 132/86 mmHg | 145/88 mmHg"
    vitals = extract_clinical(text).of_type("vital")
    assert [v.attributes.get("value") or v.attributes["systolic"] for v in vitals] == \
        [86.0, 88.0, 132, 145]
    for v in vitals:
        assert text[v.start:v.end] == v.text


def test_pregnancy_is_a_finding_but_its_test_is_not():
    # ICD-10-CM chapter Z left the generated lexicon; the curated list keeps pregnancy, as a
    # state (a finding), not a disease
    found = [(e.type, e.text.lower(), e.code.code if e.code else None)
             for e in extract_clinical("Urine pregnancy test negative. She is 20 weeks into "
                                       "her pregnancy.").entities]
    assert found == [("finding", "pregnancy", "Z33.1")]


def test_a_section_heading_is_not_a_finding():
    found = [(e.type, e.text) for e in extract_clinical(
        "HISTORY OF PRESENT ILLNESS: The patient has hypertension.\n"
        "ALLERGIES: NKDA\nIMPRESSION: Illness resolved.").entities]
    assert found == [("problem", "hypertension"), ("problem", "Illness")]
