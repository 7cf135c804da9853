"""The coded vocabulary under resources/clinical, and longest-match term lookup."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from engine.clinical.schema import Code

VOCABULARY = Path(__file__).resolve().parents[2] / "resources" / "clinical" / "vocabulary.tsv"


@dataclass(frozen=True)
class Term:
    type: str
    term: str
    code: Code | None
    extra: str  # display for coded terms, UCUM unit for labs


@dataclass(frozen=True)
class Vocabulary:
    terms: dict[str, Term]
    pattern: re.Pattern[str]

    def find(self, text: str) -> Iterator[tuple[int, int, Term]]:
        for m in self.pattern.finditer(text):
            yield m.start(), m.end(), self.terms[re.sub(r"\s+", " ", m.group(0).lower())]


@functools.cache
def load() -> Vocabulary:
    terms: dict[str, Term] = {}
    for line in VOCABULARY.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, term, system, code, extra = (line.split("\t") + [""] * 5)[:5]
        display = extra if kind != "lab" else term
        terms[term.lower()] = Term(kind, term.lower(),
                                   Code(system, code, display) if code else None, extra)
    alternatives = sorted(terms, key=len, reverse=True)  # longest match first
    words = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in alternatives)
    pattern = re.compile(rf"(?<![\w-])(?:{words})(?![\w-])", re.IGNORECASE)
    return Vocabulary(terms, pattern)
