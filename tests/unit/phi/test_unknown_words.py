"""Words no vocabulary knows are names; clinical words the vocabularies know survive."""

from __future__ import annotations

import pytest
from redaction import REDACT

from engine.phi import Scrubber


@pytest.mark.parametrize(
    ("text", "leak"),
    [
        ("Krisztián Szöllösy listed his top 20 songs.", "Szöllösy"),
        ("Krisztián Szöllösy listed his top 20 songs.", "Krisztián"),
        ("My name is Rubija", "Rubija"),
        ("Unlike the Jensen novel, it is short.", "Jensen"),
        ("Verdafero is the brainchild of our founders.", "Verdafero"),
        ("Kevin had given Alma his address.", "Kevin"),
        ("Hanne I. Kreutzmann is the keynote speaker.", "Kreutzmann"),
        ("Follow up with Dr. Oyelaran-Whitfield next week.", "Oyelaran"),
    ],
)
def test_unknown_capitalised_words_are_scrubbed(text, leak):
    assert leak not in REDACT.scrub(text).text


@pytest.mark.parametrize(
    "text",
    [
        "HEENT: Normocephalic, atraumatic. Extraocular movements intact. PERRLA.",
        "The wound was closed with 3-0 Vicryl and Steri-Strips.",
        "Abdomen: Nontender, nondistended. Bowel sounds present.",
        "WBCs and LFTs were within normal limits; BUN 14, AST 22, ALT 30.",
        "Cerebellar exam is normal. Plantar responses are flexor.",
        "Peanut IgE Ab in Serum; NT-proBNP pending.",
        "She was placed on BiPAP overnight and given Percocet for pain.",
        "NEUROLOGIC: Grossly intact. IMMUNIZATIONS: Up to date.",
        "Past history of hyperglycemia and dysmenorrhea.",
    ],
)
def test_clinical_words_survive(text):
    assert REDACT.scrub(text).text == text


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("Phone: 0490 75 40 81", "0490 75 40 81", "PHONE"),
        ("Call me at +46 (0)8 928 571 38 today", "+46 (0)8 928 571 38", "PHONE"),
        ("Mobile: 03.93.92.16.85", "03.93.92.16.85", "PHONE"),
        ("Can someone call me on 9472 7916?", "9472 7916", "PHONE"),
        ("When: 2000-04-16 11:34:35 Where: clinic", "2000-04-16 11:34:35", "DATE"),
        ("Lives at 28245 Puruntie 82 Apt. 595", "Apt. 595", "LOCATION"),
        ("Riisa, Estonia 62488", "62488", "LOCATION"),
        ("2819 Castro Springs Apt. 199", "2819 Castro Springs Apt. 199", "LOCATION"),
    ],
)
def test_international_shapes(text, value, kind):
    result = REDACT.scrub(text)
    assert value not in result.text
    assert kind in {s.type.value for s in result.spans}


def test_vital_signs_are_not_phones():
    text = "Vitals: BP 120 80, pulse 72, respirations 18."
    assert REDACT.scrub(text).text == text


def test_surrogate_keeps_the_time_of_day():
    result = Scrubber(record_secret=b"k" * 32).scrub("Seen 2000-04-16 11:34:35.")
    assert "11:34:35" in result.text
    assert "2000-04-16" not in result.text


@pytest.mark.parametrize(
    "text",
    [
        "Seen by Dr. Szöllösy-Kovács and éva Lindqvist at 3pm; e-mail a.b@Mail.org.",
        'path /Users/Ana/x.txt, "Quoted" words, V-Tach and non-Hodgkin, ÉCOLE Élan.',
        "lower case only, with a-b-c-d-e-f hyphens and x.Y dots",
        "",
    ],
)
def test_the_scan_that_skips_small_letters_finds_the_same_words(text):
    """Where no apostrophe stands before a capital, skipping words led by a small ASCII letter
    loses none of the others and adds none (the unknown-word rule asks only for those)."""
    from string import ascii_lowercase

    from engine.phi.names import _ANY_WORD, _JOINED, _UNLESS_SMALL

    assert _JOINED.search(text) is None
    every = [m.span() for m in _ANY_WORD.finditer(text) if m.group(0)[0] not in ascii_lowercase]
    assert [m.span() for m in _UNLESS_SMALL.finditer(text)] == every


def test_a_capital_after_an_apostrophe_is_read_inside_its_word():
    """ "O'Brien": the skipping scan would start a word at "B"; such texts use the full scan."""
    from engine.phi.names import _ANY_WORD, _JOINED, _UNLESS_SMALL

    text = "per o'Brien"
    assert _JOINED.search(text) is not None
    assert "Brien" in [m.group(0) for m in _UNLESS_SMALL.finditer(text)]
    assert "Brien" not in [m.group(0) for m in _ANY_WORD.finditer(text)]


def test_a_kept_verdict_is_that_of_where_the_word_stands():
    """The unknown-word rule keeps its verdict on a word for the notes after, apart for a
    sentence start, where a rare name is no evidence ("Jensen novel" opening a sentence)."""
    from engine.phi.names import NameRecognizer

    names = NameRecognizer()
    inside, opening = "Unlike the Jensen novel, it is short.", "Jensen novel, it is short."
    for text in (inside, opening, inside, opening):
        found = [(d.start, d.end) for d in names._unknown(text)]
        assert found == ([(11, 17)] if text is inside else [])


def test_a_kept_run_of_name_words_is_judged_again_where_its_context_decides():
    """The names of a run of capitalised words are kept for the notes after, unless the run
    is two everyday name words, which the text around them judges each time: a name inside
    a sentence or as a sentence's subject, not alone before a full stop."""
    from engine.phi.names import NameRecognizer

    names = NameRecognizer()
    inside = "We discussed the disorder, Jack Taylor, who called."
    subject, alone = "Jack Taylor was seen.", "Jack Taylor. Nothing else."
    for text, expected in ((inside, [(27, 38)]), (alone, []), (subject, [(0, 11)]),
                           (inside, [(27, 38)]), (alone, [])):
        assert [(d.start, d.end) for d in names._lexicon(text)] == expected, text
