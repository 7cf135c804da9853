"""Which drug-name matches are medications of their own, within one row or sentence.

* A pharmacological class beside a drug of the row or sentence labels that drug
  ("Statins | atorvastatin 10 MG", "ACE inhibitors such as lisinopril"): not a medication.
* In a table row (cells joined by " | ", as C-CDA narratives are rendered; a line that
  starts with an empty cell continues the row above) a second name of the same drug is a
  synonym of the first ("atorvastatin 10 MG Oral Tablet [Lipitor]"): one row, one
  medication, the other names kept. Prose keeps every mention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.clinical.tables import is_row
from engine.clinical.vocabulary import Term

Match = tuple[int, int, Term]
_SEGMENT_END = re.compile(r"\n(?! *\|)|\.(?:\s|$)|;")


@dataclass(frozen=True)
class DrugMentions:
    matches: list[Match]  # every match except labelling classes and repeated names
    synonyms: dict[int, list[str]]  # a kept medication's start -> its other names


def _identity(term: Term) -> str:
    return term.code.code if term.code else term.extra.lower()


def resolve(text: str, matches: list[Match]) -> DrugMentions:
    """``matches`` sorted by start, as Vocabulary.find yields them."""
    bounds = [0, *(m.end() for m in _SEGMENT_END.finditer(text)), len(text)]
    segment_of: dict[int, int] = {}
    j = 0
    for start, _end, _term in matches:
        while bounds[j + 1] <= start and j + 2 < len(bounds):
            j += 1
        segment_of[start] = j
    in_row: dict[int, bool] = {}  # segment -> a table row (each segment looked at once)
    has_drug = {segment_of[s] for s, _e, t in matches
                if t.type == "medication" and not t.drug_class}
    first: dict[tuple[int, str], int] = {}
    kept: list[Match] = []
    synonyms: dict[int, list[str]] = {}
    for start, end, term in matches:
        segment = segment_of[start]
        if term.type == "medication":
            if term.drug_class and segment in has_drug:
                continue
            known = first.setdefault((segment, _identity(term)), start)
            if known != start and segment not in in_row:
                in_row[segment] = is_row(text[bounds[segment]:bounds[segment + 1]])
            if known != start and in_row[segment]:
                synonyms.setdefault(known, []).append(text[start:end])
                continue
        kept.append((start, end, term))
    return DrugMentions(kept, synonyms)
