"""The record's numbered fact table: problems, medications, allergies, results, procedures,
plan sentences and the stated age, merged across the documents in date order (a later
document wins), each with its status, value, date and the spans it was read from.

The sections, the overview prompt, the overview check and the guideline checks all read
this table, never the raw text. Statuses:
- problem: active | possible | resolved | negated | family | past
- medication: current | new | changed | stopped
- allergy: recorded | possible
- everything else: recorded
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.clinical.context import assertion_for
from engine.clinical.sections import find_sections
from engine.clinical.vocabulary import ICD10CM
from engine.clinical.vocabulary import key as term_key
from engine.summary.record import SummaryDocument, event_date, timeline
from engine.summary.sentences import sentence_spans, wrapped

GUIDELINES = Path(__file__).resolve().parents[2] / "resources" / "guidelines"
SHOWN_PROBLEMS = ("active", "possible", "resolved")
CURRENT = ("current", "new", "changed")
# A problem written in these sections is a drug's indication or an allergy's reaction.
_NOT_A_PROBLEM_LIST = ("medications", "allergies")
# Words the vocabulary holds as problems that name a section, not a condition: "His
# allergies are no known drug allergies" is about the allergy list.
_NOT_PROBLEMS = frozenset({"allergy", "allergies", "drug allergy", "drug allergies"})
_RESOLVED = re.compile(r"\b(?:resolved|healed|cleared|subsided|no longer)\b", re.I)
# A hedge written after the diagnosis ("Pulmonary embolism is suspected."), which the
# extractor's backward triggers do not all cover yet: the problem is only possible.
_HEDGE_AFTER = re.compile(r"\s*(?:is|are|was|were)\s+(?:(?:still|also)\s+)?(?:suspected|possible|"
                          r"probable|likely|questionable|considered|being\s+considered|"
                          r"not\s+(?:excluded|ruled\s+out))\b", re.I)
_AGE = re.compile(r"\b(\d{1,3})[- ](?:year|yr)s?[- ]old\b|\bage[ds]?:?\s+(\d{1,3})\b", re.I)
_LIST_MARK = re.compile(r"^(?:\d+[.)]|[-•*])\s+")
_TITLE = re.compile(r"^[A-Z][A-Z /&-]{1,40}:\s*")  # "PLAN:", not "Cellulitis:"
# A hospital stay's narrative, and how it says what the patient came in with: in a discharge
# summary, those symptoms are the stay's start ("presented with fever, productive cough and
# hypoxia"), not problems still active at discharge; the diagnoses say what remains.
_STAY_TITLE = re.compile(r"\b(?:hospital|ed|emergency\s+department)\s+course\b", re.I)
_PRESENTED = re.compile(
    r"\b(?:presented|was\s+admitted|came\s+in|arrived)\s+(?:with|for)\b"
    # the problem is in the list that follows, not after a verb of what was found
    r"(?:(?!\b(?:was|were|is|found|diagnosed|developed|showed|revealed|had|has|which|that|"
    r"due|secondary|from|after|but)\b)[^.;])*$", re.I)
_PLAN_TITLE = re.compile(r"\b(?:plan|instructions|disposition|follow[\s-]?up|recommendations?)\b",
                         re.I)
_SIGNATURE = re.compile(r"(?:electronically\s+)?signed\b|dictated\b|transcribed\b|cc:", re.I)
_MIN_PLAN_WORDS = 3
_UNITS = {"mm[Hg]": "mmHg", "Cel": "°C", "/min": "per minute"}  # UCUM codes as read aloud
_MAX_PLAN = 12


@dataclass
class Fact:
    id: int
    kind: str  # problem | medication | allergy | lab | vital | procedure | plan | age
    key: str  # what mentions merge by: a drug's generic name, a term's normalised words
    text: str  # as written in the latest mention, on one line
    status: str
    value: float | None = None
    unit: str | None = None
    date: str | None = None
    code: Mapping[str, Any] | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    citations: list[dict[str, Any]] = field(default_factory=list)

    def describe(self) -> str:
        """The fact as one line of plain words, as the sections show it and the model
        reads it."""
        a = self.attributes
        name = self.text[:1].upper() + self.text[1:]  # a list item starts with a capital
        if self.kind == "medication":
            parts = [name] + [str(a[k]) for k in ("strength", "route", "frequency")
                                   if a.get(k)]
            if a.get("prn"):
                parts.append("as needed")
            note = {"new": "new", "stopped": "stopped"}.get(self.status)
            if self.status == "changed" and a.get("previous"):
                note = f"changed from {a['previous']}"
            return " ".join(parts) + (f" ({note})" if note else "")
        if self.kind == "allergy":
            notes = [a["reaction"]] if a.get("reaction") else []
            notes += ["possible"] if self.status == "possible" else []
            return name + (f" ({', '.join(notes)})" if notes else "")
        if self.kind in ("lab", "vital"):
            value = (f"{a['systolic']}/{a['diastolic']}" if "systolic" in a
                     else _number(self.value))
            flag = {"H": " (high)", "L": " (low)"}.get(a.get("abnormal") or "", "")
            unit = _UNITS.get(self.unit or "", self.unit or "")
            return f"{a.get('name') or self.text}: {value} {unit}".rstrip() + flag
        if self.kind == "problem" and self.status in ("possible", "resolved"):
            return f"{name} ({self.status})"
        if self.kind == "age":
            return f"{_number(self.value)} years old"
        return name


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


@dataclass
class FactTable:
    facts: list[Fact]
    no_known_allergies: bool = False

    def of(self, kind: str, *statuses: str) -> list[Fact]:
        return [f for f in self.facts if f.kind == kind and (not statuses or f.status in statuses)]

    def get(self, fact_id: int) -> Fact | None:
        return next((f for f in self.facts if f.id == fact_id), None)


@functools.cache
def _chronic() -> tuple[tuple[str, ...], tuple[str, ...]]:
    names, prefixes = [], []
    for line in (GUIDELINES / "chronic_conditions.tsv").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, codes = line.split("\t")
            names.append(f" {term_key(name)} ")
            prefixes += [c.strip() for c in codes.split(",") if c.strip()]
    return tuple(names), tuple(prefixes)


def chronic(name: str, code: Mapping[str, Any] | None) -> bool:
    """On the curated chronic-condition list: by ICD-10-CM code when coded so, else by name."""
    names, prefixes = _chronic()
    if code and code.get("system") == ICD10CM:
        return str(code.get("code", "")).startswith(prefixes)
    return any(n in f" {term_key(name)} " for n in names)


def _unwrapped(text: str) -> str:
    """The text with each line break that only wraps a sentence turned into a space: the
    same length, so the extractor's offsets still hold."""
    chars = list(text)
    for m in re.finditer("\n", text):
        if wrapped(text, m.start()):
            chars[m.start()] = " "
    return "".join(chars)


def _problem_status(unwrapped: str, e: Mapping[str, Any]) -> str | None:
    assertion = e.get("assertion", "present")
    if e.get("section") == "family_history" and assertion != "negated":
        return "family"  # "Family history of X" read as "history of X" is still a relative's
    if assertion == "present":
        # A list wrapped onto the next line ("denies chest pain, shortness of breath or\n
        # polyuria") is read again as one line: a negation that scopes it then still counts.
        second = assertion_for(unwrapped, e["start"], e["end"], e.get("section"))
        assertion = second if second != "historical" else assertion
    sentence_end = min((i for i in (unwrapped.find(c, e["end"]) for c in ".;\n") if i >= 0),
                       default=len(unwrapped))
    after = unwrapped[e["end"]:sentence_end]
    if assertion in ("negated", "present") and _RESOLVED.search(after):
        return "resolved"
    if assertion == "present" and _HEDGE_AFTER.match(after):
        return "possible"
    return {"present": "active", "possible": "possible", "negated": "negated",
            "family": "family", "historical": "past", "resolved": "resolved"}.get(assertion)


# Within one document the strongest claim about a problem stands; a resolution written
# after the last affirmation withdraws it.
_RANK = ("active", "possible", "past", "negated", "family")


class _Builder:
    def __init__(self) -> None:
        self.facts: dict[tuple[str, str], Fact] = {}

    def cite(self, doc: SummaryDocument, e: Mapping[str, Any]) -> dict[str, Any]:
        return {"document_id": doc.document_id, "start": e["start"], "end": e["end"]}

    def fact(self, kind: str, key: str, text: str, status: str, **kw: Any) -> Fact:
        slot = (kind, key)
        if slot not in self.facts:
            self.facts[slot] = Fact(0, kind, key, " ".join(text.split()), status, **kw)
        return self.facts[slot]

    def problems(self, doc: SummaryDocument, entities: list[Mapping[str, Any]]) -> None:
        unwrapped = _unwrapped(doc.text)
        stays = list(_titled_spans(doc, _STAY_TITLE))
        per_key: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
        for e in entities:
            if e["type"] != "problem" or e.get("section") in _NOT_A_PROBLEM_LIST or \
                    term_key(e["text"]) in _NOT_PROBLEMS:
                continue
            status = _problem_status(unwrapped, e)
            if status == "active" and any(a <= e["start"] < b for a, b in stays) and \
                    _PRESENTED.search(_clause_before(unwrapped, e["start"])):
                status = "past"  # what the stay began with, not what it ended with
            if status is not None:
                per_key.setdefault(term_key(e["text"]), []).append((status, e))
        for key, mentions in per_key.items():
            statuses = [s for s, _ in mentions]
            if "resolved" in statuses and "active" not in statuses[statuses.index("resolved"):]:
                status = "resolved"
            else:
                status = min((s for s in statuses if s != "resolved"), key=_RANK.index,
                             default="resolved")
            last = next(e for s, e in reversed(mentions) if s == status)
            if status == "past" and chronic(last["text"], last.get("code")):
                status = "active"  # a chronic condition in the past history is still there
            existing = self.facts.get(("problem", key))
            if existing is not None and status == "family":
                continue  # a relative's illness says nothing of the patient's own
            fact = self.fact("problem", key, last["text"], status)
            fact.status, fact.text = status, " ".join(last["text"].split())
            fact.code = last.get("code") or fact.code
            fact.citations += [self.cite(doc, e) for _, e in mentions]

    def medications(self, doc: SummaryDocument, entities: list[Mapping[str, Any]]) -> None:
        for e in entities:
            if e["type"] != "medication" or e.get("assertion") in ("hypothetical", "family"):
                continue
            a = e.get("attributes") or {}
            if a.get("drug_class"):
                continue  # "statins": a class, not a drug the patient takes
            key = term_key(a.get("normalized") or e["text"])
            said = "stopped" if e.get("assertion") == "negated" else a.get("status", "active")
            existing = self.facts.get(("medication", key))
            if said == "given" or (existing is None and said == "stopped" and
                                   e.get("assertion") == "negated"):
                continue  # "was treated with ceftriaxone", "not on aspirin": not taken now
            fact = self.fact("medication", key, e["text"], "current", code=e.get("code"))
            fact.citations.append(self.cite(doc, e))
            dosed = bool(a.get("strength"))
            if said == "stopped":
                fact.status = "stopped"
            elif dosed:
                before = fact.attributes.get("strength")
                if existing is not None and existing.status != "stopped" and before and \
                        _dose_key(before) != _dose_key(a["strength"]):
                    fact.status, fact.attributes["previous"] = "changed", before
                elif existing is None or existing.status == "stopped":
                    fact.status = "new" if said == "started" else "current"
                fact.text = " ".join(e["text"].split())
                fact.attributes.update({k: a[k] for k in ("strength", "route", "frequency",
                                                          "dose") if a.get(k)})
                fact.attributes["prn"] = bool(a.get("prn"))
                fact.value = _float(a.get("dose", {}).get("value"))
                fact.unit = a.get("dose", {}).get("unit")
                fact.date = event_date(doc, e["start"]) or None
            elif existing is not None and existing.status == "stopped" and said == "started":
                fact.status = "current"  # restarted, dose not restated
            # A bare later mention ("continue metformin") keeps the dose written before it.

    def allergies(self, doc: SummaryDocument, entities: list[Mapping[str, Any]]) -> None:
        for e in entities:
            # a denied allergy, a relative's or a supposed one is not the patient's
            if e["type"] != "allergy" or e.get("assertion") in ("negated", "family",
                                                                 "hypothetical"):
                continue
            a = e.get("attributes") or {}
            substance = a.get("substance") or e["text"]
            doubted = e.get("assertion") == "possible"
            fact = self.fact("allergy", term_key(substance), substance,
                             "possible" if doubted else "recorded", code=e.get("code"))
            if not doubted:
                fact.status = "recorded"  # one firm mention outweighs a doubtful one
            if a.get("reaction"):
                fact.attributes["reaction"] = " ".join(str(a["reaction"]).split())
            fact.citations.append(self.cite(doc, e))

    def measurements(self, doc: SummaryDocument, entities: list[Mapping[str, Any]]) -> None:
        for e in entities:
            if e["type"] not in ("lab", "vital"):
                continue
            a = dict(e.get("attributes") or {})
            name = term_key(str(a.get("name") or e["text"]))
            date = event_date(doc, e["start"]) or None
            fact = self.fact(e["type"], name, str(a.get("name") or e["text"]), "recorded")
            if fact.date and date and date < fact.date:
                fact.citations.append(self.cite(doc, e))
                continue  # an older result than the one kept
            if fact.value is not None or "systolic" in fact.attributes:
                a["previous"] = fact.describe().split(": ", 1)[-1]
            fact.attributes = a
            fact.value = _float(a.get("value"))
            fact.unit = a.get("unit")
            fact.date = date
            fact.code = e.get("code")
            fact.citations.append(self.cite(doc, e))

    def procedures(self, doc: SummaryDocument, entities: list[Mapping[str, Any]]) -> None:
        for e in entities:
            if e["type"] != "procedure" or e.get("assertion") not in ("present", "historical"):
                continue
            if e.get("section") == "assessment_plan":
                continue  # planned, not done: it is in the plan's own sentences
            fact = self.fact("procedure", term_key(e["text"]), e["text"], "recorded",
                             code=e.get("code"))
            fact.date = event_date(doc, e["start"]) or fact.date
            fact.citations.append(self.cite(doc, e))

    def plan(self, doc: SummaryDocument) -> None:
        for s, e in plan_sentences(doc):
            text = " ".join(doc.text[s:e].split())
            fact = self.fact("plan", f"{doc.document_id}:{s}", text, "recorded")
            fact.date = event_date(doc, s) or None
            fact.citations.append({"document_id": doc.document_id, "start": s, "end": e})

    def age(self, doc: SummaryDocument) -> None:
        if m := _AGE.search(doc.text):
            value = int(m.group(1) or m.group(2))
            if 0 < value < 120:
                fact = self.fact("age", "age", m.group(0), "recorded")
                fact.value, fact.text = float(value), m.group(0)
                fact.citations = [{"document_id": doc.document_id, "start": m.start(),
                                   "end": m.end()}]


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _dose_key(strength: str) -> str:
    return "".join(strength.lower().split())


def plan_spans(doc: SummaryDocument) -> Iterator[tuple[int, int]]:
    """The assessment-and-plan sections, and sections whose title names a plan
    ("Discharge instructions", "Disposition")."""
    yield from _titled_spans(doc, _PLAN_TITLE, "assessment_plan")


def _titled_spans(doc: SummaryDocument, title: re.Pattern[str], name: str | None = None
                  ) -> Iterator[tuple[int, int]]:
    """The sections whose title ``title`` finds, or whose canonical name is ``name``."""
    sections = (doc.clinical or {}).get("sections") or [
        {"name": s.name, "title": s.title, "start": s.start, "end": s.end}
        for s in find_sections(doc.text)]
    for sec in sections:
        if sec["name"] == name or title.search(sec.get("title", "")):
            yield sec["start"], sec["end"]


def _clause_before(text: str, start: int) -> str:
    """The words of ``start``'s sentence before it."""
    return text[max(text.rfind(c, 0, start) for c in ".;\n") + 1:start]


def plan_sentences(doc: SummaryDocument) -> list[tuple[int, int]]:
    """Whole sentences of the plan, without a section title or list number before them."""
    out = []
    for start, end in plan_spans(doc):
        for s, e in sentence_spans(doc.text, start, end):
            for prefix in (_TITLE, _LIST_MARK, _TITLE):  # "PLAN: 1. Recheck ..."
                if m := prefix.match(doc.text[s:e]):
                    s += m.end()
            if _SIGNATURE.match(doc.text, s):
                break  # the signature block ends the plan
            if len(doc.text[s:e].split()) >= _MIN_PLAN_WORDS:
                out.append((s, e))
    return out[:_MAX_PLAN]


_ORDER = ("age", "problem", "medication", "allergy", "lab", "vital", "procedure", "plan")


def build_facts(docs: Sequence[SummaryDocument]) -> FactTable:
    builder = _Builder()
    no_known_allergies = False
    for _date, doc in timeline(docs):
        entities = list((doc.clinical or {}).get("entities", ()))
        builder.age(doc)
        builder.problems(doc, entities)
        builder.medications(doc, entities)
        builder.allergies(doc, entities)
        builder.measurements(doc, entities)
        builder.procedures(doc, entities)
        builder.plan(doc)
        no_known_allergies |= bool((doc.clinical or {}).get("no_known_allergies"))
    facts = sorted(builder.facts.values(), key=lambda f: _ORDER.index(f.kind))
    for number, fact in enumerate(facts, 1):
        fact.id = number
    allergies = any(f.kind == "allergy" for f in facts)
    return FactTable(facts, no_known_allergies and not allergies)
