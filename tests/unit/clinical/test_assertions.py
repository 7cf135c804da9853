"""ConText-style assertions as a table: negation, uncertainty, history, family, hypothetical."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.clinical import extract_clinical

CASES = [tuple(line.split("\t")) for line in
         (Path(__file__).resolve().parents[3] / "resources" / "clinical" /
          "assertion_cases.tsv").read_text().splitlines() if not line.startswith("#")]


@pytest.mark.parametrize(("sentence", "term", "expected"), CASES)
def test_assertion(sentence, term, expected):
    entity = next(e for e in extract_clinical(sentence).entities if e.text.lower() == term)
    assert entity.assertion == expected


def test_family_history_section_scopes_everything():
    text = "FAMILY HISTORY: Diabetes mellitus, hypertension.\nPLAN: Continue."
    kinds = {e.text.lower(): e.assertion for e in extract_clinical(text).entities}
    assert kinds == {"diabetes mellitus": "family", "hypertension": "family"}
