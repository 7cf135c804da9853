"""The term lists under resources/clinical, and longest-match lookup over word tokens.

Four lists, highest priority first (the first list that names a term decides its type and
code): ``vocabulary.tsv`` (curated, coded), ``synthea_codes.tsv`` (coded pairs from Synthea),
``lexicon_diseases.tsv`` (ICD-10-CM titles) and ``lexicon_drugs.tsv`` (drug names and
synonyms, coded through their canonical name when the curated list codes it). See
SOURCES.md there. Matching is a hash lookup of token n-grams, longest first: one regex
alternation over 120,000 names would be slow to build and to run.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from engine.clinical.schema import Code

RESOURCES = Path(__file__).resolve().parents[2] / "resources" / "clinical"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?|[^\sA-Za-z0-9]")
_MAX_TOKENS = 8


@dataclass(frozen=True)
class Term:
    type: str
    term: str
    code: Code | None
    extra: str  # display for coded terms, UCUM unit for labs


def key(text: str) -> str:
    """Lower-cased tokens joined by one space: how terms and text are compared."""
    return " ".join(m.group(0) for m in _TOKEN.finditer(text.lower()))


def _singular(word: str) -> str | None:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return None


@dataclass(frozen=True)
class Vocabulary:
    terms: dict[str, Term]
    drugs_named_like_labs: dict[str, Term]  # "potassium": a lab with a value, else a drug

    def get_typed(self, phrase: str, kind: str) -> Term | None:
        k = key(phrase)
        term = self.terms.get(k)
        if term is not None and term.type == kind:
            return term
        return self.drugs_named_like_labs.get(k) if kind == "medication" else None

    def find(self, text: str) -> Iterator[tuple[int, int, Term]]:
        """Longest, leftmost, non-overlapping matches; a plural last word also matches."""
        tokens = list(_TOKEN.finditer(text))
        words = [t.group(0).lower() for t in tokens]
        i = 0
        while i < len(tokens):
            hit = None
            if words[i].isalnum():  # a term starts on a word, never on punctuation
                for n in range(min(_MAX_TOKENS, len(tokens) - i), 0, -1):
                    phrase = words[i:i + n]
                    term = self.terms.get(" ".join(phrase))
                    if term is None and (single := _singular(phrase[-1])):
                        term = self.terms.get(" ".join([*phrase[:-1], single]))
                    if term is not None:
                        hit = (n, term)
                        break
            if hit is None:
                i += 1
                continue
            n, term = hit
            yield tokens[i].start(), tokens[i + n - 1].end(), term
            i += n


def _rows(name: str) -> Iterator[list[str]]:
    for line in (RESOURCES / name).read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")


@functools.cache
def load() -> Vocabulary:
    terms: dict[str, Term] = {}
    shadowed: dict[str, Term] = {}

    def add(kind: str, term: str, code: Code | None, extra: str) -> None:
        k = key(term)
        if not k:
            return
        if k not in terms:
            terms[k] = Term(kind, k, code, extra)
        elif kind == "medication" and terms[k].type == "lab":
            shadowed.setdefault(k, Term(kind, k, code, extra))

    for row in _rows("vocabulary.tsv"):
        kind, term, system, code, extra = (row + [""] * 5)[:5]
        display = extra if kind != "lab" else term
        add(kind, term, Code(system, code, display) if code else None, extra)
    for kind, term, system, code, display in _rows("synthea_codes.tsv"):
        add(kind, term, Code(system, code, display) if code else None, display)
    for term, code, title in _rows("lexicon_diseases.tsv"):
        add("problem", term, Code(ICD10CM, code, title), title)
    for term, canonical in _rows("lexicon_drugs.tsv"):
        known = terms.get(key(canonical))
        coded = known.code if known is not None and known.type == "medication" else None
        add("medication", term, coded, canonical)
    return Vocabulary(terms, shadowed)
