"""Tables in any layout, allergies, lab codes, vitals, findings, substances and social
history, on text written for these tests."""

from __future__ import annotations

import pytest

from engine.clinical import extract_clinical
from engine.clinical.sections import find_sections
from engine.clinical.tables import pipe_view

ALLERGY_ROWS = [("Substance", "Reaction", "Severity", "Status"),
                ("latex", "Urticaria", "Mild", "Active"),
                ("sulfamethoxazole", "Rash", "Moderate", "Inactive")]


def _table(rows, layout: str) -> str:
    if layout == "pipes":
        return "\n".join(" | ".join(r) for r in rows)
    if layout == "tabs":
        return "\n".join("\t".join(r) for r in rows)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
                     for r in rows)


def _allergies(text: str) -> dict[str, dict]:
    return {e.attributes["substance"].lower(): dict(e.attributes)
            for e in extract_clinical(text).of_type("allergy")}


@pytest.mark.parametrize("layout", ["pipes", "tabs", "aligned"])
@pytest.mark.parametrize("title", ["Allergies, Adverse Reactions, Alerts\n",
                                   "Allergies and Intolerances\n", ""])
def test_allergy_tables_in_any_layout_with_or_without_a_title(layout, title):
    found = _allergies(title + _table(ALLERGY_ROWS, layout))
    assert set(found) == {"latex", "sulfamethoxazole"}
    assert found["latex"]["reaction"] == "Urticaria"
    assert found["sulfamethoxazole"]["severity"] == "moderate"
    assert found["sulfamethoxazole"]["status"] == "inactive"


def test_allergy_section_title_variants_are_allergy_sections():
    for title in ("Allergies, Adverse Reactions, Alerts", "ALLERGIES AND INTOLERANCES",
                  "Drug Allergies:", "Allergies/Adverse Reactions"):
        (section,) = find_sections(f"{title}\nnone")
        assert section.name == "allergies", title


def test_headers_codes_status_words_and_times_are_never_substances():
    text = ("Allergies\nName | Code System | Code | Onset | Details\n"
            "Ibuprofen | RxNorm | 5640 | 10:30 AM | Reaction: Hives Status: Active\n"
            "| SNOMED-CT | 111111 | Status: Active")
    found = extract_clinical(text).of_type("allergy")
    assert [a.attributes["substance"] for a in found] == ["Ibuprofen"]
    assert found[0].attributes["reaction"] == "Hives"
    assert found[0].code is not None and found[0].code.code == "5640"


@pytest.mark.parametrize("text", ["ALLERGIES - NONE.", "Allergies: NKDA", "Allergies: NKA.",
                                  "No known drug allergies.", "ALLERGIES: None known."])
def test_no_known_allergies_forms(text):
    extraction = extract_clinical(text)
    assert extraction.no_known_allergies and not extraction.of_type("allergy")


def test_a_medication_list_with_prn_wheezing_is_not_an_allergy_table():
    text = ("Medication | Directions | Status\n"
            "Albuterol inhaler | 2 puffs every 4 hours as needed for wheezing | Active")
    assert not extract_clinical(text).of_type("allergy")
    assert [m.text for m in extract_clinical(text).of_type("medication")] == ["Albuterol"]


def test_pipe_view_keeps_offsets_and_empty_cells():
    text = "Name\tValue\tUnit\nSodium\t\tmmol/L\nPotassium\t4.2\tmmol/L\n"
    view = pipe_view(text)
    assert len(view) == len(text) and view.split("\n")[1] == "Sodium||mmol/L"
    prose = "He was seen.  She was not.\nThen he left."  # a double space is not a column
    assert pipe_view(prose) == prose


@pytest.mark.parametrize("text", [
    "Sodium | 2951-2 | 141 mmol/L", "2951-2 | Sodium | 141 mmol/L",
    "Sodium\t2951-2\t141\tmmol/L", "2951-2  Sodium  141 mmol/L\n2823-3  Potassium  4.0 mmol/L",
])
def test_a_loinc_code_names_the_test_and_is_never_the_value(text):
    sodium = next(e for e in extract_clinical(text).of_type("lab") if e.text == "Sodium")
    assert sodium.attributes["value"] == 141.0
    assert sodium.code.code == "2951-2"


@pytest.mark.parametrize(("text", "name", "value", "code"), [
    ("Potassium - 3.1 mmol/L (L)", "Potassium", 3.1, "6298-4"),
    ("UREA N 22 mg/dL", "UREA N", 22.0, "3094-0"),
    ("MCH 31 pg", "MCH", 31.0, "785-6"),
    ("Glucose SerPl-mCnc 104 mg/dL", "Glucose SerPl-mCnc", 104.0, "2345-7"),
    ("Calcium [Mass/volume] in Serum or Plasma 9.4 mg/dL",
     "Calcium [Mass/volume] in Serum or Plasma", 9.4, "17861-6"),
    ("Hemoglobin (718-7) 12.9 g/dL", "Hemoglobin", 12.9, "718-7"),
])
def test_lab_names_short_long_and_abbreviated(text, name, value, code):
    (lab,) = extract_clinical(text).of_type("lab")
    assert (lab.text, lab.attributes["value"], lab.code.code) == (name, value, code)


def test_a_dose_in_milligrams_is_not_a_magnesium_result():
    assert not extract_clinical("Aspirin 81 mg 2 tablets daily.").of_type("lab")


def test_a_normal_flag_overrides_the_adult_range():
    (lab,) = extract_clinical("Sodium - 135 mmol/L (N)").of_type("lab")
    assert lab.attributes["abnormal"] is None


@pytest.mark.parametrize(("text", "name", "value"), [
    ("Heart rate (bpm) 64", "heart rate", 64.0),
    ("BSA 1.85 m2", "body surface area", 1.85),
    ("FiO2 35%", "inhaled oxygen concentration", 35.0),
    ("SaO2 % BldA PulseOx 96 %", "oxygen saturation", 96.0),
    ("Body surface area | 1.7 m2", "body surface area", 1.7),
])
def test_vitals_beyond_the_usual_names(text, name, value):
    vitals = {v.attributes["name"]: v.attributes for v in extract_clinical(text).of_type("vital")}
    assert vitals[name]["value"] == value


def test_blood_pressure_with_ucum_units_and_no_spaces():
    (bp,) = extract_clinical("BP 118/76mm[Hg]").of_type("vital")
    assert (bp.attributes["systolic"], bp.attributes["diastolic"]) == (118, 76)


def test_exam_findings_in_any_case_and_social_history():
    text = ("EXAM: NO MURMURS. Positive JVD. Digital clubbing. HEPATOSPLENOMEGALY.\n"
            "SOCIAL HISTORY: Former smoker. Denies alcohol use.")
    found = {(e.type, e.text.lower(), e.assertion) for e in extract_clinical(text).entities}
    assert {("finding", "jvd", "present"), ("finding", "digital clubbing", "present"),
            ("problem", "hepatosplenomegaly", "present"),
            ("social_history", "smoker", "historical"),
            ("social_history", "alcohol use", "negated")} <= found
    assert any(t == "finding" and a == "negated" for t, _x, a in found)


def test_substances_and_the_drug_of_a_drug_induced_problem():
    text = "Caffeine and ethanol raise K+; heparin-induced thrombocytopenia was suspected."
    entities = extract_clinical(text).entities
    kinds = {e.text: e.type for e in entities}
    assert kinds["Caffeine"] == kinds["ethanol"] == kinds["K+"] == "substance"
    assert kinds["heparin"] == "substance"  # the cause, not a medication taken
    assert kinds["heparin-induced thrombocytopenia"] == "problem"
    assert not extract_clinical("Recheck creatinine tomorrow.").of_type("medication")


@pytest.mark.parametrize(("text", "expected"), [
    ("ALLERGIES: Sulfa drugs (rash), morphine - itching and latex.",
     {"sulfa drugs": "rash", "morphine": "itching", "latex": None}),
    ("She is allergic to amoxicillin and peanuts.", {"amoxicillin": None, "peanuts": None}),
    ("Allergies: Iodinated contrast (anaphylaxis).", {"iodinated contrast": "anaphylaxis"}),
    ("Allergy: Sulfa, Code: 1234, AM", {"sulfa": None}),
    ("Allergies: Status: Active", {}),
])
def test_allergy_lists_in_prose(text, expected):
    found = {k: v["reaction"] for k, v in _allergies(text).items()}
    assert found == expected


def test_a_row_and_its_continuation_are_one_allergy_with_the_rows_cells():
    text = ("Description\tCode System\tCode\tSeverity\tStatus\n"
            "Allergy to Peanuts\tSNOMED-CT\t91935009\tSevere\tActive\n"
            "\tICD-10-CM\tZ91.010\tAllergy to peanuts")
    (allergy,) = extract_clinical(text).of_type("allergy")
    assert allergy.text == "Peanuts" and allergy.attributes["severity"] == "severe"
    assert allergy.code is not None and allergy.code.code == "91935009"


@pytest.mark.parametrize("text", ["ALLERGIES: Penicillin. No known food allergies.",
                                  "Allergies: No known drug allergies. Penicillin causes hives."])
def test_a_listed_allergy_beside_a_none_known_statement_is_kept(text):
    extraction = extract_clinical(text)
    assert [a.text for a in extraction.of_type("allergy")] == ["Penicillin"]
    assert not extraction.no_known_allergies  # an allergy is listed: not "none known"
