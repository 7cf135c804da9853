"""Words no list knows that are shaped like disease names: "-itis", "-emia", "-opathy",
"-toxicity", "-algia", "-plegia", "-paresis", "-uria", "-penia", "-rrhea", "-ectasia",
"-megaly" ("aminoaciduria", "myeloencephalopathy", "cardiotoxicity"), in any case
("HEPATOMEGALY" in an all-capitals report); and an organ's failing ("renal dysfunction").

Guarded against ordinary words: lower case (a capitalised word is a name or place, as
"Manchuria" or "Politis", except at the start of a line, sentence or table cell), seven
letters at least, and a few English words with these endings excluded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_ENDINGS = (r"itis|a?emia|opathy|toxicity|algia|plegia|paresis|uria|penia|rr?h(?:o|oe)?ea|"
            r"ectasia|megaly")
# lower case (or capitalised where a line, sentence or cell starts), or all capitals as
# all-capitals reports write every word ("CARDIOMEGALY")
_SHAPE = re.compile(
    r"(?<![\w-])(?P<w>(?:[a-z]|(?<=^)[A-Z]|(?<=[.|\n] )[A-Z])[a-z]{2,}(?:" + _ENDINGS + r"))"
    r"(?![\w-])", re.MULTILINE)
_CAPITALS = re.compile(r"(?<![\w-])[A-Z]{7,}(?![\w-])")
_LOWER_SHAPE = re.compile(r"[a-z]{3,}(?:" + _ENDINGS + r")")
_ENGLISH = frozenset({"nostalgia", "academia", "homeopathy", "homoeopathy", "osteopathy",
                      "naturopathy", "allopathy", "hydropathy", "allelopathy", "senioritis",
                      "capitis"})  # Latin "of the head": "longus capitis"


# An organ's failing named by an adjective and a noun: "renal dysfunction", "hepatic
# impairment", "left ventricular systolic dysfunction", "myocardial injury".
_ORGAN_FAILING = re.compile(
    r"(?<![\w-])(?:(?:left|right)\s+)?(?:renal|hepatic|cardiac|myocardial|ventricular|tubular|"
    r"liver|kidney|cognitive|erectile|sexual|thyroid|endothelial|neurologic(?:al)?|"
    r"respiratory|pulmonary|adrenal|ovarian|testicular|systolic|diastolic|mitochondrial|"
    r"platelet|bone\s+marrow)(?:\s+(?:and\s+)?(?:systolic|diastolic))*\s+"
    r"(?:dysfunction|impairment|insufficiency|failure|injury|damage)(?![\w-])", re.I)


_FAILING_NOUNS = ("dysfunction", "impairment", "insufficiency", "failure", "injury", "damage")
_ADJECTIVES_REACH = 80  # "left ventricular systolic and diastolic " is 40 characters


def find(text: str) -> Iterator[tuple[int, int]]:
    for m in _SHAPE.finditer(text):
        word = m.group("w")
        if len(word) >= 7 and word.lower() not in _ENGLISH:
            yield m.start("w"), m.end("w")
    for m in _CAPITALS.finditer(text):
        word = m.group(0).lower()
        if _LOWER_SHAPE.fullmatch(word) and word not in _ENGLISH:
            yield m.start(), m.end()
    # the adjectives are looked for only just before a failing noun (a few per note)
    lower, seen = text.lower(), set()
    for noun in _FAILING_NOUNS:
        i = lower.find(noun)
        while i >= 0:
            end = i + len(noun)
            for m in _ORGAN_FAILING.finditer(text, max(0, i - _ADJECTIVES_REACH), end):
                if m.end() == end and m.span() not in seen:
                    seen.add(m.span())
                    yield m.start(), m.end()
            i = lower.find(noun, end)
