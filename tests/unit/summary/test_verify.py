"""The claim-level check on hand-written statements against a real fact table: each
statement is shown only if every concept, assertion, number, date and word is its cited
facts'."""

from __future__ import annotations

import pytest

from engine.clinical import extract_clinical
from engine.summary import SummaryDocument
from engine.summary.facts import build_facts
from engine.summary.overview import Statement, offered
from engine.summary.verify import verify_all

NOTE = ("HISTORY OF PRESENT ILLNESS: A 58-year-old man with type 2 diabetes mellitus. He "
        "denies chest pain or\nhematuria. His mother had breast cancer.\n"
        "MEDICATIONS:\n1. Metformin 500 mg by mouth twice daily.\n"
        "2. Simvastatin 20 mg by mouth nightly.\n3. Furosemide 20 mg daily.\n"
        "ALLERGIES: Sulfa (rash).\n"
        "LABS (03/01/2024): Hemoglobin A1c 8.2 %, potassium 4.1 mmol/L.\n"
        "ASSESSMENT AND PLAN: Possible peripheral neuropathy.\nStop furosemide.\n"
        "Increase metformin to 1000 mg twice daily. Recheck A1c in 3 months.\n")


@pytest.fixture(scope="module")
def table():
    doc = SummaryDocument("d1", "Clinic note", "2024-03-04", NOTE,
                          extract_clinical(NOTE).to_dict())
    return build_facts([doc])


def _id(table, kind: str, word: str) -> int:
    return next(f.id for f in table.facts if f.kind == kind and word in f.text.lower())


@pytest.mark.parametrize(
    ("text", "cites", "shown"),
    [
        ("He has type 2 diabetes mellitus.", [("problem", "diabetes")], True),
        ("He has type 2 diabetes mellitus.", [], False),  # cites nothing
        ("He takes metformin 1000 mg twice daily.", [("medication", "metformin")], True),
        ("He takes metformin 850 mg twice daily.", [("medication", "metformin")], False),
        ("He takes metformin 1000 mg once daily.", [("medication", "metformin")], False),
        ("Metformin was changed from 500 mg to 1000 mg.", [("medication", "metformin")], True),
        ("He takes metformin 500 mg twice daily.", [("medication", "metformin")], False),
        ("He takes furosemide 20 mg daily.", [("medication", "furosemide")], False),
        ("Furosemide was stopped.", [("medication", "furosemide")], True),
        ("Possible peripheral neuropathy.", [("problem", "neuropathy")], True),
        ("He has peripheral neuropathy.", [("problem", "neuropathy")], False),
        ("His hemoglobin A1c was 8.2% on 03/01/2024.", [("lab", "a1c")], True),
        ("His hemoglobin A1c was 8.2% on 03/02/2024.", [("lab", "a1c")], False),
        ("His hemoglobin A1c was 9.1%.", [("lab", "a1c")], False),
        ("The 58-year-old man has type 2 diabetes mellitus.",
         [("age", "58"), ("problem", "diabetes")], True),
        # "20" is a dose of a cited drug, not an age
        ("The 20-year-old man takes simvastatin 20 mg nightly.",
         [("medication", "simvastatin")], False),
        ("He takes biopurrel with simvastatin.", [("medication", "simvastatin")], False),
        ("He takes warfarin with simvastatin.", [("medication", "simvastatin")], False),
        ("He has hematuria.", [("problem", "diabetes")], False),  # denied, and not cited
        ("He has breast cancer.", [("problem", "diabetes")], False),  # his mother's
        ("He needs a kidney transplant for diabetes.", [("problem", "diabetes")], False),
        ("He is allergic to sulfa (rash).", [("allergy", "sulfa")], True),
        ("He has a sulfa allergy with rash.", [("allergy", "sulfa")], True),
        ("He has a rash.", [("allergy", "sulfa")], False),  # a reaction is no problem
        ("Recheck A1c in 3 months.", [("plan", "recheck")], True),
        ("Recheck A1c in 6 months.", [("plan", "recheck")], False),
        ("This is the patient's record.", [("problem", "diabetes")], False),  # says nothing
    ],
)
def test_each_claim_is_checked(table, text, cites, shown):
    ids = tuple(_id(table, kind, word) for kind, word in cites)
    (verdict,) = verify_all([Statement(text, ids)], table, [f.id for f in offered(table)])
    assert verdict.shown is shown, verdict.reasons
    if shown:
        assert verdict.citations


def test_a_fact_not_offered_cannot_be_cited_and_repeats_are_left_out(table):
    statement = Statement("He has type 2 diabetes mellitus.", (_id(table, "problem", "diabetes"),))
    first, again = verify_all([statement, statement], table, [f.id for f in offered(table)])
    assert first.shown and not again.shown
    (hidden,) = verify_all([statement], table, [])
    assert hidden.reasons == ["cites no fact"]
