"""Guideline checks: the rules of resources/guidelines/rules.tsv evaluated on the fact
table. Each check that fires names its rule, its public source and the facts it used;
none is written by a model."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.clinical.vocabulary import ICD10CM
from engine.clinical.vocabulary import key as term_key
from engine.summary.facts import CURRENT, GUIDELINES, Fact, FactTable

_CLAUSE = re.compile(r"(?P<neg>!)?(?P<kind>problem|medication|allergy|lab|plan|age):"
                     r"(?P<arg>[a-z0-9_]+)(?:(?P<op>[<>])(?P<limit>\d+(?:\.\d+)?)|"
                     r"-(?P<high>\d+))?$")


@dataclass(frozen=True)
class Rule:
    id: str
    clauses: tuple[re.Match[str], ...]
    message: str
    source: str


@dataclass(frozen=True)
class Check:
    rule: str
    text: str
    source: str
    facts: tuple[int, ...]
    citations: tuple[dict[str, Any], ...]

    def to_item(self, table: FactTable) -> dict[str, Any]:
        uses = [f.describe() for f in map(table.get, self.facts) if f is not None]
        return {"text": self.text, "rule": self.rule, "source": self.source,
                "facts": list(self.facts), "uses": uses,
                "citations": [dict(c) for c in self.citations]}


def _rows(name: str) -> list[list[str]]:
    return [line.split("\t") for line in (GUIDELINES / name).read_text("utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


@functools.cache
def classes() -> dict[tuple[str, str], frozenset[str]]:
    """(class, kind) -> members, keys normalised as the fact table's are."""
    out: dict[tuple[str, str], set[str]] = {}
    for name, kind, member in _rows("classes.tsv"):
        value = member if member.startswith("icd10:") else term_key(member)
        out.setdefault((name, kind), set()).add(value)
    return {k: frozenset(v) for k, v in out.items()}


@functools.cache
def rules() -> tuple[Rule, ...]:
    out = []
    for rule_id, when, message, source in _rows("rules.tsv"):
        clauses = tuple(_CLAUSE.match(c.strip()) for c in when.split("&"))
        if not all(clauses):
            raise ValueError(f"guideline rule {rule_id}: a clause cannot be read")
        out.append(Rule(rule_id, clauses, message, source))  # type: ignore[arg-type]
    return tuple(out)


def _words_in(members: frozenset[str], text: str) -> bool:
    padded = f" {term_key(text)} "
    return any(f" {m} " in padded for m in members if not m.startswith("icd10:"))


def _problem_in(members: frozenset[str], fact: Fact) -> bool:
    code = fact.code or {}
    if code.get("system") == ICD10CM and any(
            str(code.get("code", "")).startswith(m.removeprefix("icd10:"))
            for m in members if m.startswith("icd10:")):
        return True
    return _words_in(members, fact.text)


def _matching(table: FactTable, clause: re.Match[str]) -> list[Fact]:
    kind, arg = clause["kind"], clause["arg"]
    if kind == "age":
        low, high = float(arg), float(clause["high"] or arg)
        return [f for f in table.of("age") if f.value is not None and low <= f.value <= high]
    members = classes().get((arg, kind), frozenset())
    tests: dict[str, Callable[[Fact], bool]] = {
        "problem": lambda f: f.status == "active" and _problem_in(members, f),
        "medication": lambda f: f.status in CURRENT and (
            f.key in members or _words_in(members, f.text)),
        "allergy": lambda f: f.key in members or _words_in(members, f.text),
        "lab": lambda f: f.key in members and f.value is not None,
        "plan": lambda f: _words_in(members, f.text),
    }
    found = [f for f in table.of(kind) if tests[kind](f)]
    if kind == "lab" and clause["op"]:
        limit = float(clause["limit"])
        latest = max(found, key=lambda f: f.date or "", default=None)
        found = [latest] if latest is not None and (
            latest.value > limit if clause["op"] == ">" else latest.value < limit) else []
    return found


def evaluate(table: FactTable) -> list[Check]:
    out = []
    for rule in rules():
        used: list[Fact] = []
        for clause in rule.clauses:
            found = _matching(table, clause)
            if bool(found) == bool(clause["neg"]):
                break
            used += found
        else:
            ids = tuple(dict.fromkeys(f.id for f in used))
            cites = tuple(c for f in used for c in f.citations)
            out.append(Check(rule.id, rule.message, rule.source, ids, cites))
    return out
