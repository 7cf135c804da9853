"""The gates of a pattern (the fewest digits a match holds, a string every match holds, a
plainer regex every match holds a match of) skip
a text only when no match could come from it: gated and ungated, a recognizer finds the same."""

from __future__ import annotations

import csv
from dataclasses import replace

import pytest

from engine.phi.ages import AGES
from engine.phi.cues import at_numbers, forget
from engine.phi.identifiers import IDENTIFIERS
from engine.phi.places import ADDRESSES
from engine.phi.recognizer import PatternRecognizer, digit_count

RECOGNIZERS = (IDENTIFIERS, ADDRESSES, AGES)


def _ungated(recognizer: PatternRecognizer) -> PatternRecognizer:
    return PatternRecognizer(recognizer.name, tuple(
        replace(p, digits=0, needs=(), gate=None) for p in recognizer.patterns))


def _found(recognizer: PatternRecognizer, text: str) -> list:
    try:
        return list(recognizer.analyze(text))
    finally:
        forget()


@pytest.mark.parametrize(
    "text",
    [
        "Call 410-555-0142 or (301) 273 4516, fax 410.555.0199; pager #54321, x4417.",
        "SSN 123-45-6789, acct 4111 1111 1111 1111, DEA AB1234567, VIN 1HGCM82633A004352.",
        "Mail j.doe@example.org, see scan_0042.JPG, host 192.168.10.4 or fe80::1:2:3:4.",
        "Lives at 12 Elm Street, Apt 4, Towson, MD 21204; PO Box 77; Baltimore County.",
        "A 92-year-old, aged 101, she turned 95.\n98 s/p left hip fracture",
        "No numbers here at all, only Dr. Okafor and the Hopkins Hospital.",
        "Seen at Mercy Medical Center Inc and Elm St. Clinic, M5V 3L9, CA 90210.",
        "Lives off Main  78901\n 95 w/ h/o CHF\nID AB-12345, LK1234567, cell 555.0142",
        "Ünïcode digits ٣٤٥-٦٧٨٩ and ١٢٣٤٥٦٧ beside 555 0142.",
        "",
    ],
)
def test_a_gated_recognizer_finds_what_an_ungated_one_finds(text):
    for recognizer in RECOGNIZERS:
        assert _found(recognizer, text) == _found(_ungated(recognizer), text)


def test_every_accepted_match_on_real_text_passes_its_gates(eval_dir):
    """On clinical notes and the PHI query set, each accepted match holds at least its
    pattern's digits, one of its strings and a match of its gate regex: the gates are never
    what rejects a match."""
    with open(eval_dir / "notes" / "mtsamples_subset_200.csv", encoding="utf-8") as fh:
        texts = [row["transcription"] for row in csv.DictReader(fh)]
    texts += (eval_dir / "phi" / "asq_phi" / "synthetic_clinical_queries.txt").read_text(
        "utf-8").split("===QUERY===")
    checked = 0
    for recognizer in RECOGNIZERS:
        for pattern in recognizer.patterns:
            if not (pattern.digits or pattern.needs or pattern.gate):
                continue
            for text in texts:
                for match in pattern.regex.finditer(text):
                    start, end = match.span(pattern.group)
                    if start == end or (pattern.validate and not pattern.validate(
                            text[start:end])):
                        continue
                    assert digit_count(match.group(0)) >= pattern.digits, match.group(0)
                    assert not pattern.needs or any(
                        n in match.group(0).casefold() for n in pattern.needs), match.group(0)
                    assert pattern.gate is None or pattern.gate.search(
                        match.group(0)), match.group(0)
                    checked += 1
    assert checked > 200


@pytest.mark.parametrize(("text", "count"), [("", 0), ("a1b22", 3), ("٣٤x5", 3), ("½ ²", 0)])
def test_digits_are_counted_as_the_regex_reads_them(text, count):
    assert digit_count(text) == count


def test_patterns_led_by_a_number_find_the_same_tried_where_numbers_start(eval_dir):
    """A pattern (or date form) said to start at a number's first digit or at one of its
    lead characters finds, tried only there, what a scan of the whole text finds."""
    from engine.phi import dates

    with open(eval_dir / "notes" / "mtsamples_subset_200.csv", encoding="utf-8") as fh:
        texts = [row["transcription"] for row in csv.DictReader(fh)][:80]
    texts += (eval_dir / "phi" / "asq_phi" / "synthetic_clinical_queries.txt").read_text(
        "utf-8").split("===QUERY===")
    texts += ["call +1 (410) 555-0142 or 410-555-0199--ext; on10/12/84 REPAIR-3/4/91 psv-10/5/40 "
              "treatments 10/03/10/04, LBM 11/5, 3-12, 12 Mar, 9/2021, 7/81, 1234567890 "
              "4111-1111-1111-1111 192.168.0.1 (301 273 4516 ٣٤٥-٦٧٨٩"]
    regexes = [(p.regex, p.leads) for r in RECOGNIZERS for p in r.patterns
               if p.leads is not None]
    regexes += [(dates.FORMS[f], "") for f in dates._AT_NUMBERS] + [(dates._DAY_PAIR, "")]
    try:
        for regex, leads in regexes:
            for text in texts:
                assert [m.span() for m in at_numbers(regex, text, leads)] == [
                    m.span() for m in regex.finditer(text)], regex.pattern[:60]
                forget()
    finally:
        forget()
