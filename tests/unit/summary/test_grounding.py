"""The grounding check on hand-written overviews against a real extraction: polarity, lab
values, source spans, and the layout noise small models produce."""

from __future__ import annotations

import pytest

from engine.clinical import extract_clinical
from engine.summary import SummaryDocument
from engine.summary.grounding import ground

NOTE = ("HISTORY: Type 2 diabetes mellitus. Denies chest pain. Mother had breast cancer.\n"
        "LABS: Hemoglobin A1c 8.2%. Potassium 5.9 mmol/L.\n"
        "MEDICATIONS: Metformin 500 mg twice daily.\n")


@pytest.fixture(scope="module")
def docs() -> list[SummaryDocument]:
    return [SummaryDocument("d1", "Clinic note", "2024-03-01", NOTE,
                            extract_clinical(NOTE).to_dict())]


@pytest.mark.parametrize(
    ("sentence", "kept"),
    [
        ("The patient has type 2 diabetes mellitus treated with metformin.", True),
        ("She takes metformin 500 mg twice daily.", True),
        ("She takes metformin 850 mg twice daily.", False),  # invented dose
        ("She takes warfarin for atrial fibrillation.", False),  # invented drug and problem
        ("The patient denies chest pain.", True),
        ("The patient has chest pain.", False),  # the record negates it
        ("There is a family history of breast cancer.", True),
        ("The patient has breast cancer.", False),  # the mother's, not hers
        ("Her hemoglobin A1c was 8.2 percent.", True),
        ("Her hemoglobin A1c was 5.9 percent.", False),  # a real number, not this lab's
        ("She also has CHF and takes metformin daily.", False),  # an acronym not in the record
    ],
)
def test_each_claim_is_checked(docs, sentence, kept):
    text, report = ground(sentence, docs)
    assert (text == sentence) is kept
    assert report.dropped == (0 if kept else 1)
    assert (report.unsupported > 0) is not kept


def test_supported_terms_cite_the_fact(docs):
    _, report = ground("The patient has type 2 diabetes mellitus treated with metformin.", docs)
    (sentence,) = report.sentences
    cited = {NOTE[c["start"]:c["end"]].lower() for c in sentence.citations}
    assert cited == {"type 2 diabetes mellitus", "metformin"}
    assert report.supported == 2


def test_a_term_extraction_missed_is_cited_from_the_text():
    text = "Follow-up for hypertension at the clinic."
    bare = [SummaryDocument("d2", "Note", None, text, {"entities": []})]
    kept, report = ground("The visit was about hypertension control today.", bare)
    assert kept and report.sentences[0].citations[0]["start"] == text.index("hypertension")


def test_layout_noise_is_removed_without_counting_as_claims(docs):
    draft = ("**Patient Summary**\n\nPatient Name: [Patient Name]\n"
             "- The patient takes metformin for diabetes.\n"
             "- The patient takes metformin for diabetes.\nSummary:")
    text, report = ground(draft, docs)
    assert text == "The patient takes metformin for diabetes."
    assert report.dropped == 0 and report.unsupported == 0
