"""The shared reading of text: the letter counts that tell a text's case, and the one word
normaliser every lexicon look-up starts from."""

from __future__ import annotations

import re

import pytest

from engine.phi.text_pieces import CAPITALS, SMALLS, count, folded_word


@pytest.mark.parametrize("text", ["", "Seen by Dr. Okafor", "SON BILL CALLED", "ÀÉÎ straße ÿ ×÷",
                                  "dtr ok, plan d/c 2moro"])
def test_counts_are_those_of_the_letter_classes(text):
    assert count(CAPITALS, text) == len(re.findall(r"[A-ZÀ-Þ]", text))
    assert count(SMALLS, text) == len(re.findall(r"[a-zß-ÿ]", text))


@pytest.mark.parametrize(("word", "expected"), [("O’Brien", "o'brien"), ("DAVID", "david"),
                                                ("Smith's", "smith's")])
def test_a_word_is_folded_to_lower_case_with_a_straight_apostrophe(word, expected):
    assert folded_word(word) == expected
