"""Name recognition beyond exact lexicon lookup: abbreviations a text defines, spelling and
morphology variants, drug classes and synonyms in one row, and C-CDA-style tables."""

from __future__ import annotations

import pytest

from engine.clinical import extract_clinical
from engine.clinical.abbreviations import defines
from engine.clinical.vocabulary import key


def _texts(text: str, kind: str) -> list[str]:
    return [e.text for e in extract_clinical(text).of_type(kind)]


@pytest.mark.parametrize(("short", "long", "expected"), [
    ("SRL", "sirolimus", True), ("PD", "Parkinson's disease", True),
    ("VPA", "valproic acid", True), ("CsA", "cyclosporine", False), ("PD", "headache", False),
])
def test_schwartz_hearst(short, long, expected):
    assert defines(short, long) is expected


def test_defined_abbreviation_is_the_term_later():
    text = "Patients received sirolimus (SRL) after transplant. SRL trough levels were low."
    meds = extract_clinical(text).of_type("medication")
    assert [m.text for m in meds] == ["sirolimus", "SRL", "SRL"]
    assert {m.attributes["normalized"] for m in meds} == {"sirolimus"}
    assert _texts("An SRL was noted.", "medication") == []  # undefined: nothing


@pytest.mark.parametrize(("a", "b"), [
    ("Parkinson's disease", "parkinson disease"), ("Troponin-T", "troponin t"),
    ("hemolytic-uremic syndrome", "hemolytic uremic syndrome"),
])
def test_keys_ignore_possessives_and_inner_hyphens(a, b):
    assert key(a) == key(b)


@pytest.mark.parametrize(("text", "matched"), [
    ("Course complicated by haemolytic uraemic syndrome.", "haemolytic uraemic syndrome"),
    ("The patient remains hypertensive.", "hypertensive"),
    ("He became psychotic.", "psychotic"),
])
def test_spelling_and_adjective_variants(text, matched):
    assert matched in _texts(text, "problem")


def test_hypertensive_is_coded_as_hypertension():
    (problem,) = extract_clinical("She is hypertensive.").of_type("problem")
    assert problem.code is not None and problem.code.code == "I10"


def test_drug_class_labelling_a_drug_is_not_a_medication():
    row = "Statins | RxNorm | 617314 | atorvastatin 10 MG Oral Tablet [Lipitor] | Active"
    (med,) = extract_clinical(row).of_type("medication")
    assert med.text == "atorvastatin" and med.attributes["synonyms"] == ["Lipitor"]
    (alone,) = extract_clinical("He takes statins for cholesterol.").of_type("medication")
    assert alone.attributes["drug_class"] is True


def test_prose_keeps_every_mention_of_a_drug():
    text = "Aspirin was held; aspirin was restarted."
    assert _texts(text, "medication") == ["Aspirin", "aspirin"]


def test_lexicon_hygiene():
    assert _texts("Thyroid is not enlarged.", "medication") == []  # the organ
    assert _texts("Frataxin expression was measured.", "medication") == []
    assert _texts("Activity as tolerated; exposure noted.", "problem") == []
    assert _texts("Recheck creatinine tomorrow.", "medication") == []


def test_column_headed_vitals_take_the_header_unit():
    text = ("Date | BP-Sys(mm[Hg]) | HR(bpm) | Weight [lb_av] | Temp\n"
            "3/4/2020 | 128 | 70 | 150 |")
    vitals = {v.attributes["name"]: v for v in extract_clinical(text).of_type("vital")}
    assert vitals["systolic blood pressure"].attributes["value"] == 128.0
    assert vitals["heart rate"].attributes["value"] == 70.0
    assert vitals["body weight"].attributes["value"] == 68.0
    for v in vitals.values():
        assert text[v.start:v.end] == v.text


def test_row_headed_vitals_allow_words_after_the_name():
    text = "Weight Measured | 80 kg (01/02/2020)\nBMI | LOINC | 39156-5 | 03-31-2010 10:00"
    vitals = extract_clinical(text).of_type("vital")
    assert [(v.attributes["name"], v.attributes["value"]) for v in vitals] == \
        [("body weight", 80.0)]


def test_result_table_value_unit_and_loinc_columns():
    text = ("Test | Code System | Code | Value | Unit | Reference Range\n"
            "Triglycerides | LOINC | 2571-8 | 140 | mg/dL | <150 mg/dL")
    (lab,) = extract_clinical(text).of_type("lab")
    assert (lab.attributes["value"], lab.attributes["unit"], lab.code.code) == \
        (140.0, "mg/dL", "2571-8")


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("Hct Fr Bld Auto 44.0 %", 44.0, "%"),
    ("Creatinine [0.5-1.2 mg/dL] | .9 mg/dL", 0.9, "mg/dL"),
    ("Glucose, Fasting [65-99 mg/dL] | 104 mg/dL", 104.0, "mg/dL"),
    ("Platelet # Bld Auto 250 x10E3/uL", 250.0, "10*3/uL"),
])
def test_lab_names_with_qualifiers(text, value, unit):
    (lab,) = extract_clinical(text).of_type("lab")
    assert (lab.attributes["value"], lab.attributes["unit"]) == (value, unit)


def test_development_code_in_parentheses_names_the_drug():
    text = "Given tacrolimus (FK506) daily. FK506 nephropathy was seen."
    meds = extract_clinical(text).of_type("medication")
    assert [m.text for m in meds] == ["tacrolimus", "FK506", "FK506"]


@pytest.mark.parametrize(("text", "found"), [
    ("Biopsy showed myeloencephalopathy.", ["myeloencephalopathy"]),
    ("Aminoaciduria persisted.", ["Aminoaciduria"]),  # capitalised at a sentence start
    ("A trip to Manchuria brought nostalgia.", []),  # a place and an English word
    ("Naturopathy was tried.", []),
])
def test_disease_shaped_words(text, found):
    problems = extract_clinical(text).of_type("problem")
    assert [p.text for p in problems] == found
    assert all(p.attributes["by_shape"] for p in problems)


def test_mesh_disease_terms():
    (problem,) = extract_clinical("Urinary incontinence since May.").of_type("problem")
    assert problem.text == "Urinary incontinence"  # MeSH's "incontinence, urinary" turned round
    assert _texts("Remission; recurrence later. Signs and symptoms improved.", "problem") == []


def test_ccda_continuation_rows_keep_their_empty_first_cell(tmp_path):
    from engine.clinical.ccda_import import read_sections

    path = tmp_path / "doc.xml"
    path.write_text(
        '<ClinicalDocument xmlns="urn:hl7-org:v3"><component><structuredBody><component>'
        '<section><code code="11450-4"/><text><table><tbody>'
        "<tr><td>Hypertension</td><td>SNOMED-CT</td><td>59621000</td></tr>"
        "<tr><td/><td>ICD-10-CM</td><td>I10</td></tr>"
        "</tbody></table></text></section></component></structuredBody></component>"
        "</ClinicalDocument>")
    (section,) = read_sections(path)
    assert section.narrative == "Hypertension | SNOMED-CT | 59621000\n| ICD-10-CM | I10"
