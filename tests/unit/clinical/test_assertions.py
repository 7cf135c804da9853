"""ConText-style assertions as a table: negation, uncertainty, history, family, hypothetical."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.clinical import extract_clinical

# a literal "\\n" in the table is a line break inside the sentence (a wrapped line)
CASES = [tuple(line.replace("\\n", "\n").split("\t")) for line in
         (Path(__file__).resolve().parents[3] / "resources" / "clinical" /
          "assertion_cases.tsv").read_text().splitlines() if not line.startswith("#")]


def test_the_table_covers_every_pattern():
    kinds = {expected for _s, _t, expected in CASES}
    assert len(CASES) >= 150 and kinds >= {"present", "negated", "possible", "historical",
                                          "family", "hypothetical", "resolved"}
    assert sum("\n" in sentence for sentence, _t, _e in CASES) >= 5


@pytest.mark.parametrize(("sentence", "term", "expected"), CASES)
def test_assertion(sentence, term, expected):
    entity = next(e for e in extract_clinical(sentence).entities if e.text.lower() == term)
    assert entity.assertion == expected


def test_family_history_section_scopes_everything():
    text = "FAMILY HISTORY: Diabetes mellitus, hypertension.\nPLAN: Continue."
    kinds = {e.text.lower(): e.assertion for e in extract_clinical(text).entities}
    assert kinds == {"diabetes mellitus": "family", "hypertension": "family"}
