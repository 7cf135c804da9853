"""Ages over 89 are identifiers; younger ages, temperatures and weights are not."""

from __future__ import annotations

import pytest

from engine.phi.ages import AGES


def ages(text: str) -> list[str]:
    return [text[d.start:d.end] for d in AGES.analyze(text)]


@pytest.mark.parametrize(
    ("text", "value"),
    [("a 92-year-old woman", "92"), ("aged 101 years", "101"), ("93 y.o. man", "93"),
     ("95 yrs. old", "95"), ("My brother just turned 92 in the spring", "92"),
     ("He retired at the age of 95.", "95"), ("see flowsheet\n\n97 s/p fall with hip fx", "97"),
     ("Nursing note\n91 w/ h/o CHF, COPD", "91"), ("104 yo gentleman admitted", "104")],
)
def test_ages_over_89(text, value):
    assert set(ages(text)) == {value}


@pytest.mark.parametrize(
    "text",
    ["a 72-year-old woman", "she was 98.6 this morning", "he is 95 kg", "sats were 96%",
     "T 98 s/p tylenol", "HR 99 with PVCs", "BP 92/50 after the bolus", "aged 45 years"],
)
def test_no_age(text):
    assert ages(text) == []
