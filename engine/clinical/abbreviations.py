"""Abbreviations a text defines for itself: "sirolimus (SRL)", then "SRL" alone.

A short form in parentheses right after a term is accepted when its letters can be found,
in order, in the term, its first letter starting a word (Schwartz & Hearst, PSB 2003), or,
after a drug, when it is shaped like a development code ("tacrolimus (FK506)", "RU-486").
Every whole-word use of the short form, case as written, is then that term.
"""

from __future__ import annotations

import bisect
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
    if not found:
        return
    # one pass over the text for every short form (longest first where one begins another)
    terms = {d.short: d.term for d in found}
    shorts = sorted(terms, key=len, reverse=True)
    rx = re.compile(rf"(?<![\w-])(?:{'|'.join(map(re.escape, shorts))})(?![\w-])")
    for m in rx.finditer(text):
        yield m.start(), m.end(), terms[m.group(0)]


def expand(text: str, matches: list[Match]) -> list[Match]:
    """The matches plus every whole-word use of a short form the text defines (the one in
    parentheses included); a use replaces shorter matches inside it, not longer ones."""
    uses = list(_uses(text, _definitions(text, matches)))
    if not uses:
        return matches
    # both lists are sorted and their spans do not overlap among themselves: the one span
    # of the other list that could hold or cross a span is found by bisection
    kept = [m for m in matches if not _within(m, uses)]
    kept += [u for u in uses if not _crosses(u, kept)]
    return sorted(kept, key=lambda m: m[0])


def _within(m: Match, spans: list[Match]) -> bool:
    i = bisect.bisect_right(spans, m[0], key=lambda s: s[0]) - 1
    return i >= 0 and spans[i][0] <= m[0] and m[1] <= spans[i][1]


def _crosses(u: Match, spans: list[Match]) -> bool:
    i = bisect.bisect_left(spans, u[1], key=lambda s: s[0]) - 1  # the last span starting before
    return i >= 0 and spans[i][1] > u[0]
