"""Word lists shipped under resources/phi, loaded once per process."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

RESOURCES = Path(__file__).resolve().parents[2] / "resources" / "phi"


def _lines(name: str) -> list[str]:
    text = (RESOURCES / name).read_text("utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@dataclass(frozen=True)
class Lexicons:
    given_names: frozenset[str]  # lower case
    surnames: frozenset[str]  # lower case
    places: frozenset[str]  # lower case, multi-word allowed
    state_codes: frozenset[str]
    state_names: frozenset[str]  # lower case
    clinical_terms: frozenset[str]  # lower case phrases
    clinical_words: frozenset[str]  # lower case single words of those phrases
    common_words: frozenset[str]  # lower case English words that are not names in text
    given_list: tuple[str, ...]  # title case, for surrogates
    surname_list: tuple[str, ...]
    place_list: tuple[str, ...]


@functools.cache
def load() -> Lexicons:
    given = _lines("given_names.txt")
    surnames = _lines("surnames.txt")
    places = _lines("us_places.txt")
    states = [ln.split("\t") for ln in _lines("us_states.txt")]
    terms = [t.lower() for t in _lines("clinical_terms.txt")]
    words = {w for t in terms for w in t.replace("-", " ").replace("'s", "").split()}
    common = {w.lower() for w in _lines("common_words.txt")}
    return Lexicons(
        given_names=frozenset(g.lower() for g in given),
        surnames=frozenset(s.lower() for s in surnames),
        places=frozenset(p.lower() for p in places),
        state_codes=frozenset(code for code, _ in states),
        state_names=frozenset(name.lower() for _, name in states),
        clinical_terms=frozenset(terms),
        clinical_words=frozenset(words),
        common_words=frozenset(common),
        given_list=tuple(g for g in given if g.isalpha() and len(g) > 2),
        surname_list=tuple(s for s in surnames[:5000] if s.isalpha() and len(s) > 2),
        place_list=tuple(p for p in places if p.replace(" ", "").isalpha() and
                         "County" not in p)[:5000],
    )
