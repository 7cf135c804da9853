"""The cue words read from a pattern: every match holds one, so a text holding none of them
need not be scanned; a pattern that can match without a literal word has no cues."""

from __future__ import annotations

import csv
import re

import pytest

from engine.phi.cues import cues, cues_of, finditer, fold, forget, held_cues, present
from engine.phi.identifiers import IDENTIFIERS
from engine.phi.places import ADDRESSES


@pytest.mark.parametrize(
    ("regex", "expected"),
    [
        (r"\b(?:MRN|medical record|med(?:ical)? rec)\s*\d+", ("med", "medical record", "mrn")),
        (r"\b(?i:fax)\s*\d", ("fax",)),
        (r"(?:telephone|tel)\b", ("tel",)),  # the parser's shared prefix is a cue too
        # a start the parser factors out goes on into the alternation after it
        (r"(?:d/c(?:'?d|ed)?|dc'?d)\s+to", ("d/c", "dc")),
        (r"\b\d{3}-\d{2}-\d{4}\b", None),  # digits, no word
        (r"(?<!\w)MRN", ("mrn",)),  # a lookbehind holds no characters: the word is next
        (r"(?=\w)MRN", None),  # a lookahead is no lookbehind
        (r"(?:MRN|\d+)", None),  # one way in without a word
        (r"(?:MRN)?\d+", None),  # the word may be absent
        # an optional start: its words, or those of what follows it
        (r"\b(?:the\s+)?patient's\s+son", ("patient's", "the")),
        (r"(?:Dr\.?\s+)?(?:MRN|ID)\b", ("dr", "id", "mrn")),
        (r"(?:MRN\s+)+\d", ("mrn",)),  # repeated at least once: its words
        (r"(?:\d\s+)?MRN", None),  # an optional start without a word
    ],
)
def test_cues_are_the_literal_words_a_pattern_starts_with(regex, expected):
    assert cues(re.compile(regex)) == expected


def test_cues_are_found_whatever_the_case():
    words = cues(re.compile(r"\bMRN\b"))
    assert words is not None
    assert present(words, "Patient mrn 1234".casefold())
    assert present(words, "PATIENT MRN 1234".casefold())
    assert not present(words, "no record here".casefold())


def test_every_match_on_real_text_holds_a_cue(eval_dir):
    """On clinical notes and the PHI sets, no match of a pattern with cues lacks them: skipping
    a text without its cues loses nothing."""
    with open(eval_dir / "notes" / "mtsamples_subset_200.csv", encoding="utf-8") as fh:
        texts = [row["transcription"] for row in csv.DictReader(fh)]
    texts.append((eval_dir / "phi" / "asq_phi" / "synthetic_clinical_queries.txt").read_text())
    checked = 0
    for recognizer in (IDENTIFIERS, ADDRESSES):
        for pattern in recognizer.patterns:
            words = cues(pattern.regex)
            if words is None:
                continue
            for text in texts:
                for match in pattern.regex.finditer(text):
                    assert present(words, match.group(0).casefold()), (pattern.regex.pattern,
                                                                       match.group(0))
                    checked += 1
    assert checked > 500


def _spans(matches):
    return [(m.start(), m.end(), m.groupdict()) for m in matches]


@pytest.mark.parametrize(
    "text",
    [
        "MRN 1234, mrn: 55, the MRN-less line, MRNMRN 9",
        "medical record 42 and Medical Records 7 (med rec 3)",
        "Straße MRN 12",  # a letter that folds to two: the whole text is scanned
        "x" * 300 + " mrn 1",  # one cue in a long text: tried where it stands
        "",
    ],
)
def test_trying_a_pattern_where_its_cues_start_finds_what_a_scan_finds(text):
    regex = re.compile(r"(?<![\w])(?i:MRN|medical record|med rec)s?\b[: ]*(?P<id>\d+)?")
    try:
        assert _spans(finditer(regex, text, text.casefold())) == _spans(regex.finditer(text))
    finally:
        forget()


def test_every_recognizer_pattern_finds_the_same_on_real_text(eval_dir):
    """Tried at its cues' starts, each identifier and address pattern finds on clinical notes
    exactly what scanning the whole text finds."""
    with open(eval_dir / "notes" / "mtsamples_subset_200.csv", encoding="utf-8") as fh:
        texts = [row["transcription"] for row in csv.DictReader(fh)][:60]
    try:
        for recognizer in (IDENTIFIERS, ADDRESSES):
            for pattern in recognizer.patterns:
                for text in texts:
                    assert _spans(finditer(pattern.regex, text, text.casefold())) == _spans(
                        pattern.regex.finditer(text)), pattern.regex.pattern
    finally:
        forget()


def test_the_folded_original_does_not_outlive_its_scrub():
    from redaction import REDACT

    import engine.phi.cues as module

    REDACT.scrub("Margaret Thornbury, MRN 00482913")
    assert "thornbury" not in repr(vars(module)).casefold()


def test_regexes_led_by_a_lookbehind_find_the_same_tried_at_their_cues(eval_dir):
    """The facility and organisation rules that start with a lookbehind are tried where their
    words start; on clinical notes and the PHI queries they find what a scan finds."""
    from engine.phi import facilities, organizations

    with open(eval_dir / "notes" / "mtsamples_subset_200.csv", encoding="utf-8") as fh:
        texts = [row["transcription"] for row in csv.DictReader(fh)][:60]
    texts += (eval_dir / "phi" / "asq_phi" / "synthetic_clinical_queries.txt").read_text(
        "utf-8").split("===QUERY===")[:300]
    texts += ["transferred to the general for cath, then TO WEST 4 and from St. Mary's to "
              "sacred heart hosp; his wife's colleague from Acme Widgets at the eastern shore"]
    regexes = (facilities._NOUN, facilities._FAITH_PHRASE, facilities._WARD,
               facilities._THE_GENERAL, facilities._REGION, facilities._SAINT,
               organizations._MEMBER)
    try:
        for regex in regexes:
            for text in texts:
                assert _spans(finditer(regex, text, text.casefold())) == _spans(
                    regex.finditer(text)), regex.pattern[:60]
    finally:
        forget()


def test_a_turkish_dotless_or_dotted_i_is_an_i_to_the_cues_as_to_a_case_blind_regex():
    regex = re.compile(r"\b(?i:visit)\s+#?(?P<id>\d+)")
    for text in ("vısıt 42", "VİSİT 42"):
        try:
            assert _spans(finditer(regex, text, fold(text))) == _spans(regex.finditer(text))
        finally:
            forget()


def test_a_pattern_none_of_whose_cues_a_text_holds_finds_nothing_in_it(eval_dir):
    """held_cues(): what recognizers skip patterns by, once a text, is sound on real text."""
    with open(eval_dir / "notes" / "mtsamples_subset_200.csv", encoding="utf-8") as fh:
        texts = [row["transcription"] for row in csv.DictReader(fh)][:60]
    texts += ["Pager #54321, MRN 00123, seen at GH. Fax: 410 555 0199", "no cue here", ""]
    skipped = 0
    try:
        for text in texts:
            held = held_cues(fold(text))
            assert held is not None
            for pattern in (*IDENTIFIERS.patterns, *ADDRESSES.patterns):
                words = cues_of(pattern.regex)
                if words is not None and held.isdisjoint(words):
                    assert not list(pattern.regex.finditer(text)), pattern.regex.pattern
                    skipped += 1
            forget()
        assert held_cues("a text fold() was never asked about".casefold()) is None
    finally:
        forget()
    assert skipped > 100


@pytest.mark.parametrize(
    ("regex", "expected"),
    [
        (r"\b(?:MRN|ID)\b", ("id", "mrn")),  # its cues
        (r"[ \t]\b(?:called|visited|came[ \t]+in)\b", ("call", "came", "visi")),
        (r"[ \t]\b(?:family|household)\b", ("fami", "hous")),
        (r"[ \tx]\bcalled", None),  # led by more than blanks
        (r"[ \t]\d+", None),  # no word after the blank
    ],
)
def test_a_pattern_led_by_a_blank_needs_the_words_after_it(regex, expected):
    from engine.phi.cues import needed

    assert needed(re.compile(regex)) == expected


def test_a_text_without_the_words_after_the_blank_holds_no_match():
    from engine.phi.cues import needed

    regex = re.compile(r"[ \t]\b(?:called|visited)\b")
    words = needed(regex)
    for text in ("bill called at noon", "sue VISITED", "no one came", "recalled it"):
        has = present(words, text.casefold())
        assert has or not regex.search(text.lower()), text
