"""The shared reading of text: the letter counts that tell a text's case, and the one word
normaliser every lexicon look-up starts from."""

from __future__ import annotations

import re

import pytest

from engine.phi.text_pieces import (
    CAPITALS,
    SMALLS,
    apart,
    count,
    find_phrases,
    folded_word,
    whole_word,
)


@pytest.mark.parametrize("text", ["", "Seen by Dr. Okafor", "SON BILL CALLED", "ÀÉÎ straße ÿ ×÷",
                                  "dtr ok, plan d/c 2moro"])
def test_counts_are_those_of_the_letter_classes(text):
    assert count(CAPITALS, text) == len(re.findall(r"[A-ZÀ-Þ]", text))
    assert count(SMALLS, text) == len(re.findall(r"[a-zß-ÿ]", text))


@pytest.mark.parametrize(("word", "expected"), [("O’Brien", "o'brien"), ("DAVID", "david"),
                                                ("Smith's", "smith's")])
def test_a_word_is_folded_to_lower_case_with_a_straight_apostrophe(word, expected):
    assert folded_word(word) == expected


def _regex_spans(text: str, phrases: list[str], before: str, after: str) -> list[tuple[int, int]]:
    """What a compiled alternation of the phrases, longest first, finds: the reference."""
    alternation = "|".join(re.escape(p).replace(r"\ ", r"[ \t]+")
                           for p in sorted(phrases, key=len, reverse=True))
    return [m.span() for m in re.finditer(f"{before}(?:{alternation}){after}", text, re.I)]


@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        ("Seen at Holy Cross, then HOLY  CROSS ER and holy\tcross-2; holy crossing.",
         ["holy cross", "cross"]),
        ("Ann and Anna; ANNA's son, Anne-Marie, anna-b, _anna, anna_", ["ann", "anna", "anne"]),
        ("GH to gh, GHI, gh-icu, x-gh, gh.", ["gh"]),
        ("İstanbul then istanbul and Straße strasse", ["istanbul", "straße"]),
        ("", ["anything"]),
        ("no phrase here", ["absent"]),
    ],
)
def test_phrases_are_found_as_a_case_blind_alternation_of_them_finds_them(text, phrases):
    assert find_phrases(text, phrases, apart) == _regex_spans(
        text, phrases, r"(?<![\w\-])", r"(?!\w|-\w)")
    words = [p for p in phrases if " " not in p]
    assert find_phrases(text, words, whole_word) == _regex_spans(text, words, r"\b", r"\b")
