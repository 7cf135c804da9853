"""The term lists under resources/clinical, and longest-match lookup over word tokens.

Six lists, highest priority first (the first list that names a term decides its type and
code): ``vocabulary.tsv`` (curated, coded), ``loinc_labs.tsv`` (a LOINC subset: short and long
names, abbreviations), ``synthea_codes.tsv`` (coded pairs from Synthea),
``lexicon_diseases.tsv`` (ICD-10-CM titles), ``lexicon_mesh_diseases.tsv`` (MeSH disease
headings and entry terms) and ``lexicon_drugs.tsv`` (drug names and synonyms, coded through
their canonical name when the curated list codes it; pharmacological classes flagged). See
SOURCES.md there. A word not found as written may be found as its singular or, for
problems, as the noun of a disease adjective ("hypertensive" -> hypertension). Matching is
a hash lookup of token n-grams, longest first, extended only while the words so far begin
some term: one regex alternation over 120,000 names would be slow to build and to run.
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
MESH = "http://id.nlm.nih.gov/mesh"
LOINC = "http://loinc.org"
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?|[^\sA-Za-z0-9]")
_MAX_TOKENS = 32  # LOINC long names run to 28 tokens
_AE_OE = re.compile(r"(?<=[a-z])[ao]e(?=[a-z])")  # British ae/oe inside a word


@dataclass(frozen=True)
class Term:
    type: str
    term: str
    code: Code | None
    extra: str  # display for coded terms, UCUM unit for labs
    drug_class: bool = False  # a pharmacological class ("statins"), not one drug


def _tokens(text: str) -> list[re.Match[str]]:
    """Word and punctuation tokens; a hyphen inside a word is dropped, so "Troponin-T",
    "troponin T" and "hemolytic-uremic" / "hemolytic uremic" compare equal."""
    out = []
    for m in _TOKEN.finditer(text):
        s, e = m.span()
        if m.group(0) == "-" and s > 0 and e < len(text) and text[s - 1].isalnum() \
                and text[e].isalnum():
            continue
        out.append(m)
    return out


def _word(token: str) -> str:
    """Lower case, without a possessive: "Parkinson's disease" is "parkinson disease"."""
    return token.lower().removesuffix("'s").removesuffix("’s")


def key(text: str) -> str:
    """Normalised tokens joined by one space: how terms and text are compared."""
    return " ".join(_word(m.group(0)) for m in _tokens(text))


def _singular(word: str) -> str | None:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return None


# Disease adjectives and their nouns: "hypertensive", "nephrotoxic", "psychotic", "anemic".
_ADJECTIVE_TO_NOUN = (("tensive", "tension"), ("toxic", "toxicity"), ("otic", "osis"),
                      ("emic", "emia"), ("itic", "itis"), ("plegic", "plegia"),
                      ("paretic", "paresis"), ("pathic", "pathy"))


_ADJECTIVE_ENDINGS = tuple(a for a, _ in _ADJECTIVE_TO_NOUN)


def _disease_nouns(word: str) -> Iterator[str]:
    if not word.endswith(_ADJECTIVE_ENDINGS):  # the common case, checked once
        return
    for adjective, noun in _ADJECTIVE_TO_NOUN:
        if len(word) > len(adjective) + 2 and word.endswith(adjective):
            yield word[:-len(adjective)] + noun


# Lexicon headings that name no disease in a sentence: an event category, a measurement.
NOT_PROBLEMS = frozenset({"adverse effects", "adverse effect", "body weight", "weight"})


@dataclass(frozen=True)
class Vocabulary:
    terms: dict[str, Term]
    # "potassium": a lab with a value, else a drug; "sodium": else a substance
    drugs_named_like_labs: dict[str, Term]
    prefixes: frozenset[str]  # the first words of every term of two words or more

    def get_typed(self, phrase: str, kind: str) -> Term | None:
        k = key(phrase)
        term = self.terms.get(k)
        if term is not None and term.type == kind:
            return term
        shadowed = self.drugs_named_like_labs.get(k)
        return shadowed if shadowed is not None and shadowed.type == kind else None

    def _lookup(self, phrase: list[str]) -> Term | None:
        term = self.terms.get(" ".join(phrase))
        if term is not None:
            return term
        head, last = phrase[:-1], phrase[-1]
        if single := _singular(last):
            term = self.terms.get(" ".join([*head, single]))
            if term is not None:
                return term
        for noun in _disease_nouns(last):
            term = self.terms.get(" ".join([*head, noun]))
            if term is not None and term.type == "problem":
                return term
        return None

    def find(self, text: str) -> Iterator[tuple[int, int, Term]]:
        """Longest, leftmost, non-overlapping matches; a plural last word also matches, and
        British spellings match American ones ("haemolytic", "oedema")."""
        tokens = _tokens(text)
        words = [_word(t.group(0)) for t in tokens]
        american = [_AE_OE.sub("e", w) for w in words]
        changed = [0]  # changed[j]: how many of the first j words are spelt differently
        for w, a in zip(words, american, strict=True):
            changed.append(changed[-1] + (w != a))
        i = 0
        while i < len(tokens):
            hit = None
            if words[i].isalnum():  # a term starts on a word, never on punctuation
                # longer phrases only while their first words begin some term
                longest = 1
                while longest < min(_MAX_TOKENS, len(tokens) - i) and (
                        " ".join(words[i:i + longest]) in self.prefixes
                        or " ".join(american[i:i + longest]) in self.prefixes):
                    longest += 1
                for n in range(longest, 0, -1):
                    term = self._lookup(words[i:i + n])
                    if term is None and changed[i + n] != changed[i]:
                        term = self._lookup(american[i:i + n])
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

    def add(kind: str, term: str, code: Code | None, extra: str, drug_class: bool = False,
            curated: bool = False) -> None:
        k = key(term)
        if not k:
            return
        if k not in terms:
            terms[k] = Term(kind, k, code, extra, drug_class)
        elif curated and kind in ("medication", "substance") and terms[k].type == "lab":
            # only curated drugs and substances: the lexicon names lab analytes too
            shadowed.setdefault(k, Term(kind, k, code, extra, drug_class))

    for row in _rows("vocabulary.tsv"):
        kind, term, system, code, extra = (row + [""] * 5)[:5]
        display = extra if kind != "lab" else term
        add(kind, term, Code(system, code, display) if code else None, extra, curated=True)
        *head, last = key(term).split(" ")
        if kind == "lab" and (single := _singular(last)):  # "Platelet # Bld Auto 246"
            add(kind, " ".join([*head, single]), Code(system, code, display), extra)
    for row in _rows("loinc_labs.tsv"):  # LOINC short and long names, and abbreviations
        code, short, long, unit, others = (row + [""] * 5)[:5]
        for name in (short, long, *filter(None, others.split(";"))):
            add("lab", name, Code(LOINC, code, long), unit)
    for kind, term, system, code, display in _rows("synthea_codes.tsv"):
        add(kind, term, Code(system, code, display) if code else None, display)
    for term, code, title in _rows("lexicon_diseases.tsv"):
        if key(term) not in NOT_PROBLEMS:
            add("problem", term, Code(ICD10CM, code, title), title)
    for term, mesh_id, heading in _rows("lexicon_mesh_diseases.tsv"):
        *head, last = key(term).split(" ")
        single = _singular(last)
        if key(term) in NOT_PROBLEMS:
            continue
        if single is None or " ".join([*head, single]) not in terms:  # else the singular's code
            add("problem", term, Code(MESH, mesh_id, heading), heading)
    for term, canonical, kind in _rows("lexicon_drugs.tsv"):
        known = terms.get(key(canonical))
        coded = known.code if known is not None and known.type == "medication" else None
        add("medication", term, coded, canonical, kind == "class")
    prefixes = frozenset(" ".join(words[:n]) for words in map(str.split, terms)
                         for n in range(1, len(words)))
    return Vocabulary(terms, shadowed, prefixes)
