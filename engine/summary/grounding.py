"""Every medication, problem and lab the model names must be an extracted fact.

Small models copy and invent. A sentence of the generated overview that names a clinical
term absent from the extracted data is dropped, and counted; supported terms get a citation
to the span they came from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.clinical.vocabulary import load as load_vocabulary
from engine.summary.record import SummaryDocument

_NUMBER = re.compile(r"\b\d+(?:\.\d+)?\b")


@dataclass
class GroundingReport:
    supported: int = 0
    unsupported: int = 0
    dropped_sentences: int = 0
    citations: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"supported": self.supported, "unsupported": self.unsupported,
                "dropped_sentences": self.dropped_sentences}


def _facts(docs: Sequence[SummaryDocument]) -> tuple[dict[str, Mapping[str, Any]], set[str]]:
    terms: dict[str, Mapping[str, Any]] = {}
    numbers: set[str] = set()
    for doc in docs:
        for e in (doc.clinical or {}).get("entities", ()):
            if e.get("assertion") in ("present", "possible", "historical"):
                terms.setdefault(e["text"].lower(), {"document_id": doc.document_id,
                                                     "start": e["start"], "end": e["end"]})
        numbers.update(_NUMBER.findall(doc.text))
    return terms, numbers


def ground(text: str, docs: Sequence[SummaryDocument]) -> tuple[str, GroundingReport]:
    terms, numbers = _facts(docs)
    vocabulary = load_vocabulary()
    report = GroundingReport()
    kept: list[str] = []
    for sentence in re.split(r"(?<=[.!?])\s+", text.strip()):
        if not sentence:
            continue
        ok = True
        for _s, _e, term in vocabulary.find(sentence):
            if term.term in terms:
                report.supported += 1
                report.citations.append({"term": term.term, **terms[term.term]})
            else:
                report.unsupported += 1
                ok = False
        # A number the record never states (a dose, a value) is an invention too.
        for number in _NUMBER.findall(sentence):
            if number not in numbers:
                report.unsupported += 1
                ok = False
        if ok:
            kept.append(sentence)
        else:
            report.dropped_sentences += 1
    return " ".join(kept), report
