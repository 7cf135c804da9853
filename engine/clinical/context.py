"""Assertions in the style of ConText (Harkema et al., 2009): trigger phrases open a scope
that runs to the end of the sentence or to a terminator ("but", "however").

We implement the rule set directly rather than depend on medspaCy: it would pull spaCy and a
language model into the engine for what is, here, a few dozen regular expressions run over
scrubbed text. The trigger lists are data (resources/clinical/context_rules.tsv) and are
tested as a table (assertion_cases.tsv).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

RULES = Path(__file__).resolve().parents[2] / "resources" / "clinical" / "context_rules.tsv"
# Checked in this order: the first assertion whose trigger scopes the entity wins ("no family
# history of X" is negated; "family history of X" is family, not historical).
_ORDER = ("negated", "resolved", "possible", "family", "historical", "hypothetical")


@functools.cache
def _rules() -> tuple[list[tuple[str, re.Pattern[str], str]], re.Pattern[str],
                      re.Pattern[str] | None]:
    triggers: dict[tuple[str, str], list[str]] = {}
    terminators, pseudo = [], []
    for line in RULES.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        assertion, direction, phrase = line.split("\t")
        if assertion == "terminator":
            terminators.append(phrase)
        elif assertion == "pseudo":
            pseudo.append(phrase)
        else:
            triggers.setdefault((assertion, direction), []).append(phrase)
    # backward negation ("was ruled out") is checked before forward uncertainty ("rule out")
    keys = sorted(triggers, key=lambda k: (_ORDER.index(k[0]), k[1] != "forward"))
    # longer phrases first: "mother:" before "mother", "no evidence of" before "no"
    compiled = [(a, re.compile(
        rf"(?<![\w/-])(?:{'|'.join(sorted(triggers[(a, d)], key=len, reverse=True))})(?![\w/-])",
        re.IGNORECASE), d) for a, d in keys]
    terminator = re.compile(rf"\b(?:{'|'.join(terminators)})\b|[;:.\n]", re.IGNORECASE)
    # pseudo-triggers contain a trigger's words without its meaning ("two-day history of",
    # "gram-negative"): a trigger inside one does not count
    false = re.compile(rf"(?<![\w/-])(?:{'|'.join(pseudo)})(?![\w/-])", re.IGNORECASE) \
        if pseudo else None
    return compiled, terminator, false


# Family words name relatives; when the sentence is the patient's own, they do not apply.
_SECTION_DEFAULT = {"family_history": "family", "pmh": "historical"}


# ConText scopes reach a few words (8 before an entity, 5 after): looking no further than
# this many characters keeps a sentence megabytes long (one-line text dumps) from costing
# time in proportion to its length for every entity in it.
_WINDOW = 400
# A line break inside a sentence (a wrapped line: a word or comma, then a lower-case word)
# does not end it: "denies chest pain, shortness of breath or⏎polyuria".
_WRAP = re.compile(r"(?<=[A-Za-z,])[ \t]*\n(?=[ \t]*[a-z])")
_LIST_SPLIT = re.compile(r",|\b(?:or|and|nor)\b", re.IGNORECASE)
_MAX_WORDS, _LIST_ITEM_WORDS, _MAX_LIST_WORDS = 8, 4, 40


def _sentence(text: str, start: int, end: int) -> tuple[str, int, int]:
    """The window around an entity with wrapped lines joined (same length), and the bounds
    of the entity's sentence inside it."""
    low, high = max(0, start - _WINDOW), min(len(text), end + _WINDOW)
    window = _WRAP.sub(lambda m: " " * len(m.group(0)), text[low:high])
    s, e = start - low, end - low
    left = max(window.rfind(ch, 0, s) for ch in ".\n;") + 1
    rights = [i for i in (window.find(ch, e) for ch in ".\n;") if i >= 0]
    return window, left + low, (min(rights) if rights else len(window)) + low


def _in_scope(gap: str) -> bool:
    """A forward trigger reaches 8 words, or further along a list of short items ("denies
    fever, chills, night sweats, weight loss, nausea, vomiting or rash")."""
    words = len(gap.split())
    if words <= _MAX_WORDS:
        return True
    return words <= _MAX_LIST_WORDS and all(
        len(item.split()) <= _LIST_ITEM_WORDS for item in _LIST_SPLIT.split(gap))


def assertion_for(text: str, start: int, end: int, section: str | None) -> str:
    compiled, terminators, false = _rules()
    window, s_start, s_end = _sentence(text, start, end)
    low = max(0, start - _WINDOW)
    before = window[s_start - low:start - low]
    after = window[end - low:s_end - low]
    pseudo_before = [m.span() for m in false.finditer(before)] if false else []
    pseudo_after = [m.span() for m in false.finditer(after)] if false else []

    def real(m: re.Match[str], pseudo: list[tuple[int, int]]) -> bool:
        return not any(a <= m.start() and m.end() <= b for a, b in pseudo)

    for assertion, regex, direction in compiled:
        if direction == "forward":
            for m in regex.finditer(before):
                gap = before[m.end():]
                if real(m, pseudo_before) and not terminators.search(gap) and _in_scope(gap):
                    return assertion
        else:
            for m in regex.finditer(after):
                if not real(m, pseudo_after):
                    continue
                if not terminators.search(after[:m.start()]) and \
                        len(after[:m.start()].split()) <= 5:
                    return assertion
                break
    return _SECTION_DEFAULT.get(section or "", "present")
