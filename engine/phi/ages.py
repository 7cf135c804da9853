"""Ages over 89 (a Safe Harbor identifier; younger ages are not): "a 92-year-old", "aged
101", "she turned 95", and a bare age opening a note's line ("98 s/p hip fracture")."""

from __future__ import annotations

import re

from engine.phi.recognizer import Pattern, PatternRecognizer
from engine.phi.types import PhiType

_OVER_89 = r"(?P<a>9\d|1[0-1]\d)"

AGES = PatternRecognizer("ages", (
    Pattern(PhiType.AGE, re.compile(
        rf"\b{_OVER_89}(?:\s*|-)(?:years?|yrs?\.?|y/?o|yo|y\.o\.?)(?!\w)(?:[\s-]*old)?", re.I),
        0.9, group="a", digits=2, leads=""),
    Pattern(PhiType.AGE, re.compile(rf"\b(?:aged?|age:|age\s+of)\s*{_OVER_89}\b", re.I),
            0.9, group="a"),
    # "when he was 103", "she turned 95" — not "she was 98.6", "he is 95 kg" or "was 96%".
    Pattern(PhiType.AGE, re.compile(
        r"\b(?:I|I'll|he|she|they|patient|pt|brother|sister|mother|father|wife|husband|son|"
        r"daughter)\s+(?:just\s+|will\s+)?(?:is|was|am|turned|turns|turn|is\s+now)\s+"
        rf"{_OVER_89}\b(?![.,]\d)(?!\s*(?:%|/|°|kg|lbs?|pounds|cm|mm|mg|bpm|beats|"
        r"degrees|percent|F\b|C\b))", re.I), 0.8, group="a", digits=2,
        gate=re.compile(r"(?:9\d|1[01]\d)\b")),  # ("I", "he" stand in most texts)
    # A note's opening line gives the age first: "98 s/p left hip fx", "94 w/ h/o CHF",
    # "101 yo gentleman" — at a line's start, before what is said of a patient.
    Pattern(PhiType.AGE, re.compile(
        rf"^[ \t]*{_OVER_89}[ \t]+(?=s/p\b|w/|with\b|h/o\b|(?:male|female|man|woman|"
        r"gentleman|gent|lady)\b)", re.I | re.M), 0.8, group="a", digits=2,
        gate=re.compile(r"(?:9\d|1[01]\d)[ \t]")),
))
