"""ConText-style assertions as a table: negation, uncertainty, history, family, hypothetical."""

from __future__ import annotations

import pytest

from engine.clinical import extract_clinical

CASES = [
    ("Patient denies chest pain.", "chest pain", "negated"),
    ("No evidence of pneumonia on imaging.", "pneumonia", "negated"),
    ("Negative for fever and nausea.", "nausea", "negated"),
    ("Pulmonary embolism was ruled out.", "pulmonary embolism", "negated"),
    ("She has hypertension.", "hypertension", "present"),
    ("Possible pneumonia in the right lower lobe.", "pneumonia", "possible"),
    ("Concern for sepsis.", "sepsis", "possible"),
    ("Cannot rule out deep vein thrombosis.", "deep vein thrombosis", "possible"),
    ("History of stroke in 2015.", "stroke", "historical"),
    ("Status post appendectomy.", "appendectomy", "historical"),
    ("Mother had breast cancer.", "breast cancer", "family"),
    ("Father with coronary artery disease.", "coronary artery disease", "family"),
    ("Return if fever develops.", "fever", "hypothetical"),
    ("Denies chest pain but reports dyspnea.", "dyspnea", "present"),
    ("No headache; has migraine.", "migraine", "present"),
    ("He takes metformin daily.", "metformin", "present"),
    ("She is not taking warfarin.", "warfarin", "negated"),
]


@pytest.mark.parametrize(("sentence", "term", "expected"), CASES)
def test_assertion(sentence, term, expected):
    entity = next(e for e in extract_clinical(sentence).entities if e.text.lower() == term)
    assert entity.assertion == expected


def test_family_history_section_scopes_everything():
    text = "FAMILY HISTORY: Diabetes mellitus, hypertension.\nPLAN: Continue."
    kinds = {e.text.lower(): e.assertion for e in extract_clinical(text).entities}
    assert kinds == {"diabetes mellitus": "family", "hypertension": "family"}
