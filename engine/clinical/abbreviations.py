"""Abbreviations a text defines for itself: "sirolimus (SRL)", then "SRL" alone.

A short form in parentheses right after a term is accepted when its letters can be found,
in order, in the term, its first letter starting a word (Schwartz & Hearst, PSB 2003), or,
after a drug, when it is shaped like a development code ("tacrolimus (FK506)", "RU-486").
Every whole-word use of the short form, case as written, is then that term.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from engine.clinical.vocabulary import Term

Match = tuple[int, int, Term]  # start, end and the term, as Vocabulary.find yields them
_CODE_NAME = re.compile(r"[A-Z]{1,5}-?\d{2,6}[A-Za-z]?")
_SHORT = re.compile(r"\s*\(\s*(?P<sf>[A-Za-z0-9][\w'-]{0,9})\s*[);,]")


@dataclass(frozen=True)
class Definition:
    short: str
    term: Term


def defines(short: str, long: str) -> bool:
    """Schwartz–Hearst: short's characters occur in long, right to left, the first one at the
    start of a word."""
    s, i = len(short) - 1, len(long) - 1
    while s >= 0:
        c = short[s].lower()
        if not c.isalnum():
            s -= 1
            continue
        while i >= 0 and (long[i].lower() != c or (s == 0 and i > 0 and long[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return False
        i -= 1
        s -= 1
    return True


def _plausible(short: str) -> bool:
    # a capital letter at least ("CsA", "PD", "3MA"): "(n)", "(2003)" and "(iv)" are not
    return len(short) >= 2 and any(c.isupper() for c in short)


def _definitions(text: str, matches: list[Match]) -> list[Definition]:
    out: dict[str, Definition] = {}
    for start, end, term in matches:
        if term.type not in ("medication", "problem"):
            continue
        m = _SHORT.match(text, end)
        if m is None:
            continue
        short = m.group("sf")
        if short in out or not _plausible(short):
            continue
        if defines(short, text[start:end]) or \
                (term.type == "medication" and _CODE_NAME.fullmatch(short)):
            out[short] = Definition(short, term)
    return list(out.values())


def _uses(text: str, found: list[Definition]) -> Iterator[tuple[int, int, Term]]:
    for definition in found:
        rx = re.compile(rf"(?<![\w-]){re.escape(definition.short)}(?![\w-])")
        for m in rx.finditer(text):
            yield m.start(), m.end(), definition.term


def expand(text: str, matches: list[Match]) -> list[Match]:
    """The matches plus every whole-word use of a short form the text defines (the one in
    parentheses included); a use replaces shorter matches inside it, not longer ones."""
    uses = list(_uses(text, _definitions(text, matches)))
    if not uses:
        return matches
    kept = [m for m in matches
            if not any(s <= m[0] and m[1] <= e for s, e, _ in uses)]
    kept += [u for u in uses if not any(m[0] < u[1] and u[0] < m[1] for m in kept)]
    return sorted(kept, key=lambda m: m[0])
