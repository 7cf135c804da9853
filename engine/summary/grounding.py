"""Every problem, medication and lab the model names must be backed by the record.

Small models copy and invent (SmolLM2-135M does both). Each sentence of the generated
overview is checked term by term: a clinical term is supported when an extracted fact has
the same name or code *and the same polarity* (a negated or family-history finding does not
support "the patient has it"), or, when extraction has no fact of that name at all, when the
term is written in a source document. A lab value next to a lab name must be a value the
record gives for that lab; any other number must appear in the record. A sentence with an
unsupported term or number is dropped and counted; kept sentences carry their citations.
Markdown, repeats, placeholders ("[Patient Name]") and fragments under four words that
make no supported claim are layout noise, removed without being counted as claims.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.clinical.vocabulary import key as term_key
from engine.clinical.vocabulary import load as load_vocabulary
from engine.summary.record import SummaryDocument
from engine.summary.sentences import sentence_spans

_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?")
_MARKUP = re.compile(r"^\s*(?:#+|[-*•]|\d+[.)])\s+|\*\*|__|`", re.M)
_MIN_WORDS = 4
# Abbreviations (CHF, HIV, COPD) the vocabulary may not know must still be in the record.
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,5}\b")
_NEGATION = re.compile(r"\b(?:no|not|denie[sd]|without|negative for|free of|ruled out)\b")
_FAMILY = re.compile(r"\b(?:family|mother|father|sister|brother|parent|sibling)s?\b")
_POLARITY = {"present": "affirmed", "possible": "affirmed", "historical": "affirmed",
             "negated": "negated", "family": "family"}  # hypothetical supports nothing
_VALUE_WINDOW = 30  # characters after a lab name where its value is written


@dataclass(frozen=True)
class GroundedSentence:
    text: str
    citations: tuple[Mapping[str, Any], ...]


@dataclass
class GroundingReport:
    supported: int = 0
    unsupported: int = 0
    dropped: int = 0
    sentences: list[GroundedSentence] = field(default_factory=list)

    def to_dict(self) -> dict[str, int]:
        return {"supported": self.supported, "unsupported": self.unsupported,
                "dropped": self.dropped}


@dataclass
class _Facts:
    by_name: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    by_code: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)  # every extracted name, any polarity
    lab_values: dict[str, set[float]] = field(default_factory=dict)
    numbers: set[float] = field(default_factory=set)
    acronyms: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, docs: Sequence[SummaryDocument]) -> _Facts:
        facts = cls()
        for doc in docs:
            for e in (doc.clinical or {}).get("entities", ()):
                cite = {"document_id": doc.document_id, "start": e["start"], "end": e["end"]}
                name = term_key(e["text"])
                facts.names.add(name)
                polarity = _POLARITY.get(e.get("assertion", "present"))
                if polarity is None:
                    continue
                facts.by_name.setdefault((name, polarity), cite)
                if e.get("code"):
                    code = e["code"]
                    facts.by_code.setdefault((code["system"], code["code"], polarity), cite)
                attrs = e.get("attributes") or {}
                if e["type"] in ("lab", "vital"):
                    values = {float(attrs[k]) for k in ("value", "systolic", "diastolic")
                              if isinstance(attrs.get(k), int | float)}
                    for label in {name, term_key(str(attrs.get("name") or ""))} - {""}:
                        facts.lab_values.setdefault(label, set()).update(values)
            # The prompt shows each document's date too, so its numbers may be repeated.
            facts.numbers.update(float(n) for n in _NUMBER.findall(f"{doc.date} {doc.text}"))
            facts.acronyms.update(_ACRONYM.findall(f"{doc.title} {doc.text}"))
        return facts


def _polarity(sentence: str, term_start: int) -> str:
    before = sentence[max(0, term_start - 40):term_start].lower()
    if _NEGATION.search(before):
        return "negated"
    return "family" if _FAMILY.search(before) else "affirmed"


def _source_span(term: str, docs: Sequence[SummaryDocument]) -> dict[str, Any] | None:
    pattern = re.compile(r"\b" + r"\W+".join(map(re.escape, term.split())) + r"\b", re.I)
    for doc in docs:
        if m := pattern.search(doc.text):
            return {"document_id": doc.document_id, "start": m.start(), "end": m.end()}
    return None


def ground(text: str, docs: Sequence[SummaryDocument]) -> tuple[str, GroundingReport]:
    """The text with unsupported sentences dropped, and the report with citations."""
    facts = _Facts.of(docs)
    vocabulary = load_vocabulary()
    report = GroundingReport()
    plain = _MARKUP.sub("", text)
    seen: set[str] = set()
    for start, end in sentence_spans(plain):
        sentence = plain[start:end]
        citations: list[dict[str, Any]] = []
        bad = 0
        covered: list[tuple[int, int]] = []  # numbers inside a term ("type 2") are its name
        checked_values: set[int] = set()
        for start, end, term in vocabulary.find(sentence):
            covered.append((start, end))
            polarity = _polarity(sentence, start)
            names = {term.term, term_key(sentence[start:end])}  # canonical and as written
            code = term.code
            cite = next((facts.by_name[(n, polarity)] for n in names
                         if (n, polarity) in facts.by_name), None) or (
                facts.by_code.get((code.system, code.code, polarity)) if code else None)
            if cite is None and not names & facts.names and polarity == "affirmed":
                cite = _source_span(term.term, docs)  # extraction missed it, the text has it
            if cite is None:
                bad += 1
                continue
            citations.append({"term": term.term, **cite})
            if term.type in ("lab", "vital") and term.term in facts.lab_values:
                value = _NUMBER.search(sentence[end:end + _VALUE_WINDOW])
                if value is not None:
                    checked_values.add(end + value.start())
                    if float(value.group(0)) not in facts.lab_values[term.term]:
                        bad += 1  # the lab is real, the value is not the record's
        for m in _NUMBER.finditer(sentence):
            inside = any(s <= m.start() < e for s, e in covered)
            if not inside and m.start() not in checked_values and \
                    float(m.group(0)) not in facts.numbers:
                bad += 1  # a dose or value the record never states
        bad += sum(1 for m in _ACRONYM.finditer(sentence)
                   if m.group(0) not in facts.acronyms
                   and not any(s <= m.start() < e for s, e in covered))
        report.supported += len(citations)
        report.unsupported += bad
        norm = term_key(sentence)
        if bad:
            report.dropped += 1
        elif norm not in seen and "[" not in sentence and \
                (citations or len(sentence.split()) >= _MIN_WORDS):
            report.sentences.append(GroundedSentence(sentence, tuple(citations)))
        seen.add(norm)
    return "\n".join(s.text for s in report.sentences), report
