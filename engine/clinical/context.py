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
# Checked in this order: the first assertion whose trigger scopes the entity wins.
_ORDER = ("negated", "possible", "historical", "family", "hypothetical")


@functools.cache
def _rules() -> tuple[list[tuple[str, re.Pattern[str], str]], re.Pattern[str]]:
    triggers: dict[tuple[str, str], list[str]] = {}
    terminators = []
    for line in RULES.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        assertion, direction, phrase = line.split("\t")
        if assertion == "terminator":
            terminators.append(phrase)
        else:
            triggers.setdefault((assertion, direction), []).append(phrase)
    # backward negation ("was ruled out") is checked before forward uncertainty ("rule out")
    keys = sorted(triggers, key=lambda k: (_ORDER.index(k[0]), k[1] != "forward"))
    compiled = [(a, re.compile(rf"(?<![\w/-])(?:{'|'.join(triggers[(a, d)])})(?![\w/-])",
                               re.IGNORECASE), d) for a, d in keys]
    terminator = re.compile(rf"\b(?:{'|'.join(terminators)})\b|[;:.\n]", re.IGNORECASE)
    return compiled, terminator


# Family words name relatives; when the sentence is the patient's own, they do not apply.
_SECTION_DEFAULT = {"family_history": "family", "pmh": "historical"}


# ConText scopes reach a few words (8 before an entity, 5 after): looking no further than
# this many characters keeps a sentence megabytes long (one-line text dumps) from costing
# time in proportion to its length for every entity in it.
_WINDOW = 400


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    low, high = max(0, start - _WINDOW), min(len(text), end + _WINDOW)
    left = max(low, max(text.rfind(ch, low, start) for ch in ".\n;") + 1)
    rights = [i for i in (text.find(ch, end, high) for ch in ".\n;") if i >= 0]
    return left, min(rights) if rights else high


def assertion_for(text: str, start: int, end: int, section: str | None) -> str:
    compiled, terminators = _rules()
    s_start, s_end = _sentence_bounds(text, start, end)
    before, after = text[s_start:start], text[end:s_end]
    for assertion, regex, direction in compiled:
        if direction == "forward":
            for m in regex.finditer(before):
                # no terminator between trigger and entity, and within 8 words
                gap = before[m.end():]
                if not terminators.search(gap) and len(gap.split()) <= 8:
                    return assertion
        else:
            m = regex.search(after)
            if m and not terminators.search(after[:m.start()]) and \
                    len(after[:m.start()].split()) <= 5:
                return assertion
    return _SECTION_DEFAULT.get(section or "", "present")
