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
_LIST_SPLIT = re.compile(r",|\b(?:or|and|nor)\b", re.IGNORECASE)
_MAX_WORDS, _LIST_ITEM_WORDS, _MAX_LIST_WORDS = 8, 4, 40
_AFTER_REACH = 120  # characters: 5 words and the longest backward trigger


def _wrapped(text: str, i: int) -> bool:
    """The line break at ``i`` continues a sentence: a word or comma before it, a
    lower-case word after it ("shortness of breath or⏎polyuria")."""
    j, k = i - 1, i + 1
    while j > i - 20 and j >= 0 and text[j] in " \t":
        j -= 1
    while k < i + 20 and k < len(text) and text[k] in " \t":
        k += 1
    return j >= 0 and k < len(text) and (text[j].isalpha() or text[j] == ",") and \
        text[k].islower()


def _closes_word(text: str, i: int) -> bool:
    """A question mark closing a word ends a question ("Any fever? Chest pain."); one before
    a word ("?pneumonia") is a hedge inside the sentence."""
    return i > 0 and (text[i - 1].isalnum() or text[i - 1] in "_)")


def _question(text: str, low: int, high: int, last: bool) -> int:
    """The last (or first) question end in text[low:high], -1 when none."""
    i = text.rfind("?", low, high) if last else text.find("?", low, high)
    while i >= 0 and not _closes_word(text, i):
        i = text.rfind("?", low, i) if last else text.find("?", i + 1, high)
    return i


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of an entity's sentence, no further than _WINDOW characters each way; a
    wrapped line does not end it. A question's mark stays in it (a backward hedge: "gout?")."""
    low, high = max(0, start - _WINDOW), min(len(text), end + _WINDOW)
    left = max(text.rfind(".", low, start), text.rfind(";", low, start),
               _question(text, low, start, last=True))
    newline = text.rfind("\n", low, start)
    while newline > left and _wrapped(text, newline):
        newline = text.rfind("\n", low, newline)
    left = max(left, newline, low - 1) + 1
    rights = [i for i in (text.find(".", end, high), text.find(";", end, high)) if i >= 0]
    if (question := _question(text, end, high, last=False)) >= 0:
        rights.append(question + 1)
    newline = text.find("\n", end, high)
    while newline >= 0 and _wrapped(text, newline):
        newline = text.find("\n", newline + 1, high)
    rights += [newline] if newline >= 0 else []
    return left, min(rights) if rights else high


def _unwrapped(text: str, start: int, end: int) -> str:
    """text[start:end] with its wrapped line breaks read as spaces."""
    part = text[start:end]
    if "\n" not in part:
        return part
    return "".join(" " if ch == "\n" and _wrapped(text, start + i) else ch
                   for i, ch in enumerate(part))


# An adjective trigger ("former smoker", "quit smoking") qualifies the words right after it:
# its scope ends at a comma or a conjunction ("former smoker, drinks alcohol socially").
_ADJECTIVE_REACH = 3
_CLAUSE_BREAK = re.compile(r",|\b(?:and|or|but|now)\b", re.IGNORECASE)


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
    s_start, s_end = _sentence(text, start, end)
    # a backward trigger starts within 5 words of the entity: no need to read further
    s_end = min(s_end, end + _AFTER_REACH)
    before, after = _unwrapped(text, s_start, start), _unwrapped(text, end, s_end)
    pseudo: dict[str, list[tuple[int, int]]] = {}  # looked for only once a trigger matched

    def real(m: re.Match[str], part: str) -> bool:
        if part not in pseudo:
            pseudo[part] = [f.span() for f in false.finditer(part)] if false else []
        return not any(a <= m.start() and m.end() <= b for a, b in pseudo[part])

    for assertion, regex, direction in compiled:
        if direction == "adjective":
            for m in regex.finditer(before):
                gap = before[m.end():]
                if real(m, before) and not terminators.search(gap) and \
                        not _CLAUSE_BREAK.search(gap) and len(gap.split()) <= _ADJECTIVE_REACH:
                    return assertion
        elif direction == "forward":
            for m in regex.finditer(before):
                gap = before[m.end():]
                if real(m, before) and not terminators.search(gap) and _in_scope(gap):
                    return assertion
        else:
            for m in regex.finditer(after):
                if not real(m, after):
                    continue
                if not terminators.search(after[:m.start()]) and \
                        len(after[:m.start()].split()) <= 5:
                    return assertion
                break
    return _SECTION_DEFAULT.get(section or "", "present")
