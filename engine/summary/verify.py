"""Claim-level check of the model's statements against the facts each one cites.

A statement is shown only if everything it claims belongs to one of its cited facts:
- it cites at least one fact of the table;
- the clinical extractor run on the statement itself finds only concepts of its cited facts
  (same name or code), with the same assertion (a possible problem is not stated as present,
  a stopped drug not as taken, a family illness not as the patient's) and the same dose,
  frequency and value;
- every number is one its facts give, with the same unit when it has one ("20-year-old"
  needs a cited age of 20, not "Zocor 20 mg"); every date is a date of its facts, compared
  as a date;
- every word is either written in its facts or an English word; a clinical word its facts
  do not use, or a word neither English nor clinical (an invented "biopurrel"), fails it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.clinical import extract_clinical
from engine.clinical.vocabulary import key as term_key
from engine.phi.dates import find_dates
from engine.phi.lexicons import load as load_lexicons
from engine.summary.facts import Fact, FactTable
from engine.summary.overview import Statement

# English words more frequent than this are everyday words, whatever a clinical list holds
# ("left", "blood", "daily"); rarer clinical words must be the cited facts' own.
_EVERYDAY_RANK = 3000
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?")
_QUANTITY = re.compile(r"(?P<n>\d+(?:\.\d+)?)\s*(?:-\s*)?(?P<u>%|[a-zA-Z][a-zA-Z/\[\]]*)")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_PLACEHOLDER = re.compile(r"[\[\]{}<>*#_`|]")
# The assertion a statement may give a fact of each status.
_ASSERTIONS = {
    "active": {"present", "historical"}, "possible": {"possible"},
    "resolved": {"resolved", "negated", "historical"}, "negated": {"negated"}, "family": {"family"},
    "past": {"historical"},
}
_MED_STATUS = {"current": {"active"}, "new": {"active", "started"},
               "changed": {"active", "changed"}, "stopped": {"stopped"}}
# Words that change what a statement asserts ("X is not active", "a chronic problem"): the
# extractor does not scope all of them, so each must be its cited facts' own word.
_QUALIFIERS = frozenset({
    "not", "no", "never", "denies", "denied", "without", "negative", "resolved", "stopped",
    "discontinued", "held", "possible", "possibly", "suspected", "probable", "likely",
    "unlikely", "family", "mother", "father", "sister", "brother", "history", "past",
    "previous", "former", "new", "started", "increased", "decreased", "changed", "chronic",
    "acute", "severe", "mild", "worsening", "improving", "controlled", "uncontrolled"})
_ALLERGY_WORDS = ("allergy", "allergic", "allergies", "reaction")
_UNIT_WORDS = {"years": "year", "yr": "year", "yrs": "year", "months": "month",
               "weeks": "week", "days": "day", "hours": "hour", "units": "unit",
               "mmhg": "mm[hg]", "bpm": "/min"}

# Units a number may carry: a number with one of these must match a cited value and unit.
_UNITS = frozenset({"mg", "mcg", "g", "kg", "lb", "ml", "l", "unit", "iu", "meq", "%", "mmol/l",
                    "mg/dl", "g/dl", "ng/ml", "mm[hg]", "/min", "year", "month", "week", "day",
                    "hour", "minute", "cel", "f", "c", "puff", "tablet", "time"})


@dataclass
class Verdict:
    statement: Statement
    reasons: list[str] = field(default_factory=list)
    citations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return not self.reasons


@dataclass(frozen=True)
class _Evidence:
    facts: tuple[Fact, ...]
    words: frozenset[str]
    numbers: frozenset[float]
    quantities: frozenset[tuple[float, str]]
    dates: tuple[tuple[int | None, int | None, int | None], ...]
    entities: tuple[Mapping[str, Any], ...]  # what the cited plan sentences name


def _unit(word: str) -> str:
    word = word.lower().rstrip(".")
    word = word.split("-")[0] if "-" in word else word  # "year-old"
    return _UNIT_WORDS.get(word, word.removesuffix("s") if len(word) > 3 else word)


def _quantities(text: str) -> set[tuple[float, str]]:
    return {(float(m["n"]), _unit(m["u"])) for m in _QUANTITY.finditer(text)}


def _dates(text: str) -> list[tuple[int | None, int | None, int | None]]:
    return [(d.year, d.month, d.day) for d in find_dates(text)]


def _iso(date: str | None) -> list[tuple[int | None, int | None, int | None]]:
    if not date or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        return []
    y, m, d = map(int, date.split("-"))
    return [(y, m, d)]


def _evidence(facts: Sequence[Fact]) -> _Evidence:
    texts = [f"{f.describe()} {f.text} {f.attributes.get('name') or ''}" for f in facts]
    texts += [" ".join(_ALLERGY_WORDS) for f in facts if f.kind == "allergy"]
    texts += [f.status for f in facts]  # "active", "possible", "stopped", "new" …
    joined = " ".join(texts)
    numbers = {float(n) for n in _NUMBER.findall(joined)}
    quantities = _quantities(joined)
    for f in facts:
        a = f.attributes
        values = [f.value, a.get("systolic"), a.get("diastolic")]
        numbers.update(float(v) for v in values if isinstance(v, int | float))
        if f.value is not None and f.unit:
            quantities.add((f.value, _unit(f.unit)))
        if f.kind == "age" and f.value is not None:
            quantities.add((f.value, "year"))
    dates = _dates(joined) + [d for f in facts for d in _iso(f.date)]
    entities = tuple(e for f in facts if f.kind == "plan"
                     for e in extract_clinical(f.text).to_dict()["entities"])
    words = {m.group(0).lower() for m in _WORD.finditer(joined)}
    words |= {w for w in term_key(joined).split()}
    return _Evidence(tuple(facts), frozenset(words), frozenset(numbers),
                     frozenset(quantities), tuple(dates), entities)


def _names(entity: Mapping[str, Any]) -> set[str]:
    a = entity.get("attributes") or {}
    return {term_key(str(x)) for x in (entity["text"], a.get("normalized"), a.get("name"),
                                       a.get("substance")) if x} - {""}


def _same_concept(entity: Mapping[str, Any], fact_names: set[str],
                  fact_code: Mapping[str, Any] | None) -> bool:
    code = entity.get("code")
    if code and fact_code and (code.get("system"), code.get("code")) == (
            fact_code.get("system"), fact_code.get("code")):
        return True
    # The statement may name a fact less specifically ("diabetes" for "type 2 diabetes
    # mellitus"), never more.
    return any(f" {n} " in f" {name} " for n in _names(entity) for name in fact_names)


def _fact_names(fact: Fact) -> set[str]:
    names = {fact.key, fact.text, fact.attributes.get("name"), fact.attributes.get("normalized")}
    if fact.kind == "allergy":  # "penicillin allergy (hives)": the reaction and the word
        names |= {fact.attributes.get("reaction"), *_ALLERGY_WORDS}
    return {term_key(str(x)) for x in names if x} - {""}


# Which facts may back a concept of each type the statement names: a drug or a reaction
# may be an allergy's, when the statement speaks of an allergy.
_BACKING = {"medication": ("medication", "allergy"), "allergy": ("allergy",),
            "lab": ("lab",), "vital": ("vital",), "problem": ("problem", "allergy"),
            "procedure": ("procedure",)}


def _mismatch(entity: Mapping[str, Any], fact: Fact, text: str) -> str | None:
    """Why the statement's concept is not what the fact says, or None when it is."""
    kind, assertion = entity["type"], entity.get("assertion", "present")
    a = entity.get("attributes") or {}
    if fact.kind == "allergy" and kind != "allergy":
        return None if "allerg" in text.lower() else f"names an allergy as a {kind}"
    if kind != "medication" and fact.kind == "problem" and \
            assertion not in _ASSERTIONS.get(fact.status, ()):
        return f"states a {fact.status} problem as {assertion}"
    if kind == "medication":
        said = "stopped" if assertion == "negated" else a.get("status", "active")
        if said not in _MED_STATUS.get(fact.status, ()):
            return f"states a {fact.status} medication as {said}"
        for attr in ("strength", "frequency", "route"):
            stated = a.get(attr)
            known = {term_key(str(fact.attributes.get(attr) or ""))}
            if attr == "strength" and said == "changed":  # "changed from 20 mg to 40 mg"
                known.add(term_key(str(fact.attributes.get("previous") or "")))
            if stated and term_key(stated) not in known:
                return f"gives a medication {attr} its fact does not"
    if kind in ("lab", "vital"):
        stated = [a.get(k) for k in ("value", "systolic", "diastolic") if k in a]
        known = [fact.value, fact.attributes.get("systolic"), fact.attributes.get("diastolic")]
        if any(v is not None and all(k is None or abs(float(v) - float(k)) > 1e-6
                                     for k in known) for v in stated):
            return "gives a value its fact does not"
    return None


def _plan_mismatch(entity: Mapping[str, Any], named: Mapping[str, Any]) -> str | None:
    """The same check against a concept a cited plan sentence names."""
    if entity.get("assertion", "present") != named.get("assertion", "present"):
        return "gives a planned item another assertion"
    mine, theirs = entity.get("attributes") or {}, named.get("attributes") or {}
    for attr in ("status", "strength", "frequency", "value"):
        if mine.get(attr) and mine.get(attr) != theirs.get(attr):
            return f"gives a planned item another {attr}"
    return None


def _check_entity(entity: Mapping[str, Any], ev: _Evidence, text: str) -> str | None:
    kind = entity["type"]
    # a sign, substance or habit the extractor names may back only a problem of that name
    backing = _BACKING.get(kind, ("problem",))
    reasons = [_mismatch(entity, f, text) for f in ev.facts
               if f.kind in backing and _same_concept(entity, _fact_names(f), f.code)]
    reasons += [_plan_mismatch(entity, e) for e in ev.entities
                if e["type"] == kind and _same_concept(entity, _names(e), e.get("code"))]
    if not reasons:
        return f"names a {kind} none of its facts give"
    return None if None in reasons else reasons[0]


@functools.cache
def _lexicons():
    return load_lexicons()


def _check_words(text: str, ev: _Evidence, skip: list[tuple[int, int]]) -> str | None:
    lex = _lexicons()
    for m in _WORD.finditer(text):
        if any(s <= m.start() < e for s, e in skip):
            continue
        word = m.group(0).lower().strip("'’-")
        parts = [p for p in re.split(r"[-'’]", word) if p]
        for part in parts:
            if part in _QUALIFIERS and part not in ev.words:
                return f"says '{part}', which its facts do not"
            if part in ev.words or len(part) < 3:
                continue
            rank = lex.english_rank.get(part)
            clinical = part in lex.vocabulary or part in lex.clinical_words
            if clinical and (rank is None or rank > _EVERYDAY_RANK):
                return "uses a clinical word its facts do not"
            if rank is None and not lex.known(part):
                return "uses a word that is neither English nor clinical"
    return None


def _check_numbers(text: str, ev: _Evidence) -> tuple[str | None, list[tuple[int, int]]]:
    """Dates first (compared as dates), then quantities with units, then bare numbers."""
    taken: list[tuple[int, int]] = []
    for d in find_dates(text):
        taken.append(d.match.span())
        stated = (d.year, d.month, d.day)
        if not any(all(s is None or s == k for s, k in zip(stated, known, strict=True))
                   for known in ev.dates):
            return "gives a date its facts do not", taken
    for m in _QUANTITY.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        value, unit = float(m["n"]), _unit(m["u"])
        if (value, unit) in ev.quantities:
            taken.append(m.span())
        elif unit in _UNITS:
            return "gives a quantity its facts do not", taken
        # else a word after a number, not a unit ("type 2 diabetes"): checked as a number
    for m in _NUMBER.finditer(text):
        if not any(s <= m.start() < e for s, e in taken) and float(m.group(0)) not in ev.numbers:
            return "gives a number its facts do not", taken
    return None, taken


def verify(statement: Statement, table: FactTable, offered: Iterable[int]) -> Verdict:
    verdict = Verdict(statement)
    allowed = set(offered)
    facts = [table.get(i) for i in dict.fromkeys(statement.facts) if i in allowed]
    cited = [f for f in facts if f is not None]
    if not cited:
        verdict.reasons.append("cites no fact")
        return verdict
    if _PLACEHOLDER.search(statement.text):
        verdict.reasons.append("holds markup or a placeholder")
        return verdict
    ev = _evidence(cited)
    number_reason, taken = _check_numbers(statement.text, ev)
    extraction = extract_clinical(statement.text).to_dict()["entities"]
    reasons = [number_reason, _check_words(statement.text, ev, taken),
               *(_check_entity(e, ev, statement.text) for e in extraction)]
    said = f" {term_key(statement.text)} "
    if not extraction and not taken and not any(
            f" {name} " in said for f in cited for name in _fact_names(f)):
        reasons.append("says nothing its facts say")  # "This is a patient's record."
    verdict.reasons = [r for r in reasons if r]
    verdict.citations = [dict(c) for f in cited for c in f.citations]
    return verdict


def verify_all(statements: Sequence[Statement], table: FactTable, offered: Iterable[int]
               ) -> list[Verdict]:
    """Each statement's verdict; a statement repeating one already shown is left out."""
    allowed = list(offered)
    verdicts, seen = [], set()
    for statement in statements:
        norm = term_key(statement.text)
        verdict = verify(statement, table, allowed)
        if norm in seen:
            verdict.reasons.append("repeats an earlier statement")
        seen.add(norm)
        verdicts.append(verdict)
    return verdicts
