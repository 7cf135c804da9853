"""Names, places and organisations: context rules, lexicons, and clinical words that stay."""

from __future__ import annotations

import pytest

from engine.phi import Scrubber, ScrubPolicy

SCRUBBER = Scrubber(ScrubPolicy.REDACT)


def redacted(text: str) -> str:
    return SCRUBBER.scrub(text).text


@pytest.mark.parametrize(
    ("text", "leak"),
    [
        ("Patient: Margaret A. Thornbury", "Thornbury"),
        ("PATIENT: MARGARET THORNBURY", "THORNBURY"),
        ("Pt: Luis Ernesto Calderón presented", "Calderón"),
        ("Seen by Dr. Okafor today.", "Okafor"),
        ("Dear Dr. Feldman,", "Feldman"),
        ("Mrs. O'Brien-Smythe reports", "O'Brien-Smythe"),
        ("referred by Priya Raman for", "Raman"),
        ("Electronically signed by Samuel Okafor, MD on", "Okafor"),
        ("Sincerely, Andrew Polk, MD", "Polk"),
        ("Anna S. was treated", "Anna"),
        ("We discussed with Mary Poppins about", "Poppins"),
        ("Smith J., visited the clinic", "Smith"),
        ("Emergency contact: Robert Lee (son)", "Robert"),
        ("Mr. Calderón was afebrile. Calderón ate well.", "Calderón"),
    ],
)
def test_names_are_removed(text, leak):
    out = redacted(text)
    assert leak not in out and "[NAME]" in out, out


@pytest.mark.parametrize(
    ("text", "leak", "tag"),
    [
        ("Address: 1184 Willow Creek Road, Dayton, OH 45419", "Willow Creek", "LOCATION"),
        ("Lives in Dayton, Ohio with family", "Dayton", "LOCATION"),
        ("She lives in San Antonio now", "San Antonio", "LOCATION"),
        ("PO Box 4411 returned", "4411", "LOCATION"),
        ("grew up in Cook County", "Cook", "LOCATION"),
        ("admitted to St. Brendan Regional Hospital", "Brendan", "ORGANIZATION"),
        ("treated at UCSF on", "UCSF", "ORGANIZATION"),
        ("works at Acme Plastics as a welder", "Acme", "ORGANIZATION"),
        ("a 92-year-old woman", "92", "AGE"),
        ("aged 101 years", "101", "AGE"),
    ],
)
def test_places_orgs_and_old_ages(text, leak, tag):
    out = redacted(text)
    assert leak not in out and f"[{tag}]" in out, out


@pytest.mark.parametrize(
    "text",
    [
        "History of Parkinson disease and Crohn's disease.",
        "Foley catheter placed; Apgar scores 8 and 9.",
        "Positive Murphy sign; Babinski sign absent.",
        "Hodgkin lymphoma in remission, Graves disease treated.",
        "A 75-year-old woman with Bell palsy.",
        "Swan-Ganz catheter removed; Holter monitor applied.",
        "Plan: follow up in clinic. Assessment: stable.",
    ],
)
def test_clinical_text_survives(text):
    assert redacted(text) == text
