"""engine.phi.words.WordJudge: what a single word is — a slip of a known word, clinical
shorthand, or a word with a name's evidence."""

from __future__ import annotations

import pytest

from engine.phi.lexicons import load
from engine.phi.words import WordJudge, judge

WORDS = judge(load())


def test_one_judge_per_lexicons():
    assert judge(load()) is WORDS
    assert isinstance(WORDS, WordJudge)


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("apetite", "misspelt"),  # a letter missing
        ("contiue", "misspelt"),
        ("reveiw", "misspelt"),  # two letters swapped
        ("wtih", "misspelt"),  # swapped, even in a short word
        ("amiod", "clipped"),  # amiodarone cut short
        ("bilat", "clipped"),
        ("siderails", "compound"),  # two words run together
        ("startedpicking", "compound"),
        ("airmatress", "compound"),  # a short word and a misspelt one
        ("bedrails", "compound"),  # the first word short
    ],
)
def test_slips_of_known_words(word, kind):
    assert getattr(WORDS, kind)(word) and WORDS.slip(word)


@pytest.mark.parametrize("word", ["katrine", "muriele", "broomfield", "szczepanik",
                                  "okonkwo", "thompsonborough"])
def test_names_and_towns_are_no_slips(word):
    """A name, a town, or a word built from a name is no slip of an English word."""
    assert not WORDS.slip(word)


@pytest.mark.parametrize(
    ("word", "near"),
    [
        ("levofed", True),  # levophed: a letter changed, one left out
        ("propafol", True),  # propofol: one changed
        ("heparinn", True),  # one added
        ("neosynephrin", True),  # one left out
        ("vancomicin", True),
        ("yankeur", True),  # yankauer
        ("ahmadi", False),  # a name: on no clinical list within two slips
        ("irenka", False),  # two slips from "mirena", but not from its first letter
        ("levin", False),  # five letters: too short to judge
        ("heparin", True),  # the word itself
        ("wheelchair", False),  # an English word is no drug's slip
    ],
)
def test_two_slips_from_a_clinical_word(word, near):
    assert WORDS.near_clinical(word) is near


def test_a_drug_misspelt_is_a_clinical_slip_but_an_english_word_is_not():
    assert WORDS.misspelt("banadryl", clinical=True)
    assert not WORDS.misspelt("apetite", clinical=True)  # a slip, but of an English word


@pytest.mark.parametrize(
    ("word", "acronyms", "expected"),
    [
        ("bill", False, True),  # a given name, though an English word
        ("david", False, True),
        ("knight", False, True),  # a surname rarer than everyday English
        ("bakaitas", False, True),  # known to no vocabulary
        ("small", False, False),  # a surname, but everyday English
        ("will", False, False),  # a function word
        ("son", False, False),  # kinship announces a name, is none
        ("mae", False, False),  # shorthand: moves all extremities
        ("neo", False, False),
        ("afeb", False, False),
        ("eps", False, False),  # three unknown letters: an acronym
        ("nsicu", True, False),  # in a mixed text, five unknown capitals: an acronym
        ("nsicu", False, False),  # and shorthand anyway
        ("malta", False, False),  # a country
        ("phoned-family", False, False),  # every part must be a name's
    ],
)
def test_evidence_of_a_name(word, acronyms, expected):
    assert WORDS.evidence(word, acronyms) is expected


@pytest.mark.parametrize("word", ["afeb", "tmax", "dsg", "spont", "abx", "pvc", "carevue",
                                  "aline", "wean", "titrate", "tol", "neo", "trach", "abg"])
def test_nursing_shorthand_is_known(word):
    assert WORDS.shorthand(word) and WORDS.lex.known(word)


def test_the_listed_words_are_those_listed_holds():
    """listed_words() is listed() as one set: what misspelt() tests its candidates against."""
    lex = load()
    words = lex.listed_words()
    assert all(lex.listed(w) for w in words)
    assert {"appetite", "afeb", "maryland", "the"} <= words
    assert not lex.listed("szczepanik") and "szczepanik" not in words
