"""Medication status by clause, planned stops, allergy clauses and a drug's indication, as
tables of sentences written for these tests."""

from __future__ import annotations

import pytest

from engine.clinical import extract_clinical


def _medications(text: str) -> dict[str, dict]:
    return {e.text.lower(): dict(e.attributes) for e in extract_clinical(text).of_type(
        "medication")}


# (sentence, drug, status): a status verb governs its own clause, up to a sentence end, a
# semicolon or the next status verb; a change written as not done keeps the drug as it was.
STATUS = [
    ("Discontinue lisinopril. Continue metformin.", "lisinopril", "stopped"),
    ("Discontinue lisinopril. Continue metformin.", "metformin", "active"),
    ("Discontinue lisinopril. Continue metformin 500 mg twice daily.", "metformin", "active"),
    ("Discontinue lisinopril, continue metformin.", "metformin", "active"),
    ("Stop aspirin; resume clopidogrel 75 mg daily.", "clopidogrel", "active"),
    ("Hold furosemide. Start spironolactone 25 mg daily.", "furosemide", "stopped"),
    ("Hold furosemide. Start spironolactone 25 mg daily.", "spironolactone", "started"),
    ("Stop aspirin and clopidogrel.", "clopidogrel", "stopped"),
    ("Lisinopril was discontinued.", "lisinopril", "stopped"),
    ("Increase lisinopril to 20 mg daily.", "lisinopril", "changed"),
    ("Increase metformin is not possible; add glipizide 5 mg daily.", "metformin", "active"),
    ("Increase metformin is not possible; add glipizide 5 mg daily.", "glipizide", "started"),
    ("Unable to increase metformin because of renal function.", "metformin", "active"),
    ("We cannot increase atorvastatin further.", "atorvastatin", "active"),
    ("Do not stop aspirin.", "aspirin", "active"),
    ("Titrating lisinopril is contraindicated with this potassium.", "lisinopril", "active"),
    ("Increase metformin - not possible.", "metformin", "active"),
    ("Stop lisinopril, which was not tolerated.", "lisinopril", "stopped"),
    ("Discontinue ibuprofen as contraindicated in CKD.", "ibuprofen", "stopped"),
    # given in the past (as during a stay) is not a drug taken now; an ongoing one is
    ("He was treated with ceftriaxone 1 g IV daily and azithromycin 500 mg IV daily.",
     "azithromycin", "given"),
    ("Ceftriaxone was given in the emergency department.", "ceftriaxone", "given"),
    ("She has been treated with metformin for years.", "metformin", "active"),
    ("She received a prescription for lisinopril.", "lisinopril", "active"),
    ("Given his renal function, continue metformin.", "metformin", "active"),
    ("She was given a sample of valsartan 80 mg daily.", "valsartan", "started"),
    ("He was given a prescription for amoxicillin.", "amoxicillin", "started"),
]


@pytest.mark.parametrize(("sentence", "drug", "status"), STATUS)
def test_status_stays_in_its_clause(sentence, drug, status):
    assert _medications(sentence)[drug]["status"] == status


# (sentence, drug): a stop still to come leaves the drug current, marked as planned.
PLANNED_STOPS = [
    ("Prednisone 10 mg daily for 5 days and then stop.", "prednisone"),
    ("Taper prednisone over two weeks and then stop.", "prednisone"),
    ("Will stop aspirin after surgery.", "aspirin"),
    ("Stop aspirin 5 days before surgery.", "aspirin"),
    ("Plan to discontinue amoxicillin once the culture is back.", "amoxicillin"),
    ("Hold metformin if creatinine rises.", "metformin"),
    ("If a rash develops, stop amoxicillin.", "amoxicillin"),
    ("Coumadin needs to be stopped.", "coumadin"),
    ("Aspirin will be discontinued after surgery.", "aspirin"),
]


@pytest.mark.parametrize(("sentence", "drug"), PLANNED_STOPS)
def test_a_future_stop_is_planned_not_done(sentence, drug):
    attrs = _medications(sentence)[drug]
    assert (attrs["status"], attrs.get("planned")) == ("active", "stop")


@pytest.mark.parametrize("sentence", ["Stop aspirin.", "Aspirin was stopped yesterday.",
                                      "Discontinue warfarin now.",
                                      "Aspirin was stopped before surgery.",
                                      "Lisinopril was discontinued when the cough began.",
                                      "She took Prozac for years, but it was then stopped.",
                                      "Stop metformin, as she has diarrhea when taking it."])
def test_a_stop_now_is_stopped(sentence):
    (attrs,) = _medications(sentence).values()
    assert attrs["status"] == "stopped" and "planned" not in attrs


# (sentence, substances, reactions): a clause after an allergen ("which causes hives") is
# never a substance; its reaction belongs to the allergen before it.
ALLERGY_CLAUSES = [
    ("She is allergic to penicillin, which causes hives.", ["penicillin"], ["hives"]),
    ("Allergic to sulfa, which gives her a rash.", ["sulfa"], ["rash"]),
    ("Allergic to codeine, that causes nausea, and latex.", ["codeine", "latex"],
     ["nausea", None]),
    ("ALLERGIES: Penicillin - rash, shellfish, it causes swelling.",
     ["Penicillin", "shellfish"], ["rash", "swelling"]),
    ("Allergic to penicillin (hives), which was confirmed by testing.", ["penicillin"],
     ["hives"]),
]


@pytest.mark.parametrize(("sentence", "substances", "reactions"), ALLERGY_CLAUSES)
def test_a_clause_after_an_allergen_is_its_reaction(sentence, substances, reactions):
    found = extract_clinical(sentence).of_type("allergy")
    assert [a.attributes["substance"] for a in found] == substances
    assert [a.attributes["reaction"] for a in found] == reactions


# (sentence, drug, indication, problem): the reason written after a drug is its indication,
# and the problem found there says whose.
INDICATIONS = [
    ("Ibuprofen 400 mg for knee pain.", "ibuprofen", "knee pain", "pain"),
    ("MEDICATIONS: ibuprofen 400 mg for knee pain.", "ibuprofen", "knee pain", "pain"),
    ("Metformin 500 mg twice daily for type 2 diabetes mellitus; lisinopril 10 mg daily.",
     "metformin", "type 2 diabetes mellitus", "type 2 diabetes mellitus"),
    ("Takes amlodipine 5 mg daily to treat hypertension.", "amlodipine", "hypertension",
     "hypertension"),
]


@pytest.mark.parametrize(("sentence", "drug", "indication", "problem"), INDICATIONS)
def test_an_indication_belongs_to_its_drug(sentence, drug, indication, problem):
    result = extract_clinical(sentence)
    assert _medications(sentence)[drug]["indication"] == indication
    found = next(e for e in result.of_type("problem") if e.text.lower() == problem)
    assert found.attributes["indication_of"] == drug


def test_a_time_is_no_indication():
    for sentence in ("He was on Prozac for a while.", "Keep aspirin for now.",
                     "Amoxicillin 500 mg three times daily for 10 days."):
        assert "indication" not in next(iter(_medications(sentence).values()))


def test_a_problem_outside_a_drug_line_is_no_indication():
    result = extract_clinical("Knee pain for two weeks. Ibuprofen 400 mg as needed.")
    assert all("indication_of" not in e.attributes for e in result.of_type("problem"))
