"""Social history as its own entity type: tobacco, alcohol and drug use.

Use phrases anywhere ("smokes 1 pack per day", "alcohol use", "IV drug use", "former
smoker"); in a social-history section the bare substance words too ("Tobacco: never",
"Alcohol: occasional"). The substance alone elsewhere ("nicotine", "cocaine" in a sentence
about pharmacology) stays a substance. The use's kind is an attribute; its assertion
(denies, former) comes from the ConText rules as for any entity.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from engine.clinical.schema import Section

_KINDS = (
    ("tobacco", r"tobacco(?:\s+(?:use|abuse|smoking|chewing|dependence))?|smok(?:es|ed|ing|er)s?|"
                r"cigarettes?|cigars?|pipe\s+smoking|chewing\s+tobacco|snuff|vap(?:es|ing)|"
                r"e-cigarettes?|pack[-\s]years?|ppd(?=\s|$)|nicotine\s+(?:use|dependence)"),
    ("alcohol", r"alcohol\s+(?:use|abuse|intake|consumption|dependence)|etoh(?:\s+(?:use|abuse))?|"
                r"drinks?\s+(?:alcohol|beer|wine|liquor|socially|daily|occasionally)|"
                r"(?:social|heavy|binge)\s+drink(?:er|ing)|alcoholic\s+beverages?"),
    ("drugs", r"(?:illicit|recreational|street|iv|intravenous|injection)\s+drugs?(?:\s+use)?|"
              r"drug\s+(?:use|abuse)|substance\s+(?:use|abuse)|ivdu|ivda|"
              r"(?:marijuana|cannabis|cocaine|heroin|methamphetamine|opioid)\s+(?:use|abuse)"),
)
_SECTION_ONLY = (("tobacco", r"tobacco|nicotine"), ("alcohol", r"alcohol|etoh"),
                 ("drugs", r"drugs|marijuana|cannabis|cocaine|heroin|methamphetamine"))
# a word start first: the alternatives are tried only where a word begins
_ANYWHERE = re.compile(r"(?<![\w-])(?=[a-z])(?:" +
                       "|".join(rf"(?P<{k}>{p})" for k, p in _KINDS) + ")", re.I)
_IN_SECTION = re.compile(
    r"(?<![\w-])(?:" + "|".join(rf"(?P<{k}>{p})" for k, p in _SECTION_ONLY) + r")(?![\w-])",
    re.I)


# Every phrase holds one of these words: the phrases are looked for only around them.
_STEMS = ("tobacco", "smok", "cigar", "pipe", "snuff", "vap", "pack", "ppd", "nicotine",
          "alcohol", "etoh", "drink", "drug", "substance", "ivd", "marijuana", "cannabis",
          "cocaine", "heroin", "methamphetamine", "opioid")
_AROUND = 40  # characters before a stem a phrase may start ("recreational drug use")


def _windows(lower: str) -> list[tuple[int, int]]:
    spans = []
    for stem in _STEMS:
        i = lower.find(stem)
        while i >= 0:
            spans.append((max(0, i - _AROUND), min(len(lower), i + len(stem) + _AROUND)))
            i = lower.find(stem, i + len(stem))
    merged: list[tuple[int, int]] = []
    for low, high in sorted(spans):
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(high, merged[-1][1]))
        else:
            merged.append((low, high))
    return merged


def find(view: str, sections: tuple[Section, ...]) -> Iterator[tuple[int, int, dict[str, Any]]]:
    for low, high in _windows(view.lower()):
        for m in _ANYWHERE.finditer(view, low, high):
            if m.end() == len(view) or not view[m.end()].isalnum():
                yield m.start(), m.end(), {"kind": m.lastgroup}
    for section in sections:
        if section.name == "social_history":
            for m in _IN_SECTION.finditer(view, section.start, section.end):
                yield m.start(), m.end(), {"kind": m.lastgroup}
