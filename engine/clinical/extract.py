"""``extract_clinical``: sections → vocabulary matches and measurements → assertions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.clinical import abbreviations, disease_shapes
from engine.clinical.context import assertion_for
from engine.clinical.drug_mentions import resolve as resolve_drugs
from engine.clinical.measurements import LOINC, find_vitals, lab_attributes
from engine.clinical.medications import attributes as medication_attributes
from engine.clinical.schema import ClinicalEntity, ClinicalExtraction, Code
from engine.clinical.sections import find_sections, section_at
from engine.clinical.tables import RowValue, row_values
from engine.clinical.vocabulary import Term, load

_NKDA = re.compile(r"\b(?:NKDA|NKA|no known (?:drug )?allergies|no known drug allergy|"
                   r"allergies:\s*none)\b", re.I)
_ALLERGY_CUE = re.compile(r"\b(?:allergic to|allergy to|allergies to|intolerant of|"
                          r"intolerance to)\s+", re.I)
_REACTION = re.compile(r"^\s*(?:\((?P<r1>[^)]{2,40})\)|[-–:,]\s*(?P<r2>(?:hives|rash|anaphylaxis|"
                       r"swelling|angioedema|nausea|itching|wheezing|diarrhea|cough)\b[^,.;\n]*))",
                       re.I)
_SEVERITY = re.compile(r"\b(mild|moderate|severe|anaphyla\w+|life-threatening)\b", re.I)
_SUBSTANCE = re.compile(r"[A-Za-z][\w-]*(?:\s+(?:drugs?|antibiotics?|allergy))?")


def extract_clinical(text: str) -> ClinicalExtraction:
    sections = find_sections(text)
    entities: list[ClinicalEntity] = []
    taken = bytearray(len(text))  # 1 where an entity (or a lab's value) already stands
    for section in sections:  # a heading names a section, not a finding: "PRESENT ILLNESS:"
        head_end = text.find(":", section.start, section.end) + 1
        taken[section.start:head_end] = b"\x01" * max(0, head_end - section.start)

    def section_name(offset: int) -> str | None:
        found = section_at(sections, offset)
        return found.name if found else None

    def add(kind: str, start: int, end: int, code: Code | None, attrs: dict,
            assertion: str | None = None) -> None:
        if any(taken[start:end]):
            return
        taken[start:end] = b"\x01" * (end - start)
        sec = section_name(start)
        entities.append(ClinicalEntity(
            kind, text[start:end], start, end,
            assertion or assertion_for(text, start, end, sec), code, attrs, sec))

    for vital in find_vitals(text):
        system, code, display = vital["code"]
        add("vital", vital["start"], vital["end"], Code(system, code, display),
            {"name": vital["name"], **vital["attributes"]}, "present")
    allergy_spans = _allergy_spans(text, sections)
    vocabulary = load()
    rows = row_values(text) if " | " in text else {}
    drugs = resolve_drugs(text, abbreviations.expand(text, list(vocabulary.find(text))))
    matches = drugs.matches
    next_drug = [len(text)] * len(matches)  # where the next medication mention starts
    for index in range(len(matches) - 2, -1, -1):
        following = matches[index + 1]
        next_drug[index] = following[0] if following[2].type == "medication" \
            else next_drug[index + 1]
    for index, (start, end, term) in enumerate(matches):
        if term.type == "lab":
            reading = _lab_reading(text, start, end, term, rows)
            # a value another lab of the row already took is not this one's
            if reading is not None and not any(taken[reading.value_start:reading.value_end]):
                add("lab", start, end, reading.code, {"name": term.term, **reading.attributes},
                    "present")
                taken[reading.value_start:reading.value_end] = \
                    b"\x01" * (reading.value_end - reading.value_start)
                continue
            # a lab name without a value may still name a drug ("potassium supplements")
            drug = vocabulary.get_typed(term.term, "medication")
            if drug is None:
                continue
            term = drug
        if term.type == "allergy":
            add("allergy", start, end, term.code, {"substance": text[start:end],
                                                   "reaction": None, "severity": None})
            continue
        in_allergy = any(s <= start < e for s, e in allergy_spans)
        if in_allergy and term.type in ("medication", "problem"):
            continue  # recorded as the allergy's substance below
        # A drug's details end where the next drug begins ("add X; start Y 10 mg").
        attrs = ({**medication_attributes(text, start, end, next_drug[index]),
                  "normalized": term.extra, "drug_class": term.drug_class,
                  "synonyms": drugs.synonyms.get(start, [])}
                 if term.type == "medication" else {})
        add(term.type, start, end, term.code, attrs)
    for start, end in disease_shapes.find(text):  # after every listed term: they come first
        if not any(s <= start < e for s, e in allergy_spans):
            add("problem", start, end, None, {"by_shape": True})
    for start, end, attrs in _allergies(text, allergy_spans):
        add("allergy", start, end, None, attrs)
    entities.sort(key=lambda e: e.start)
    return ClinicalExtraction(tuple(entities), sections, bool(_NKDA.search(text)))


@dataclass(frozen=True)
class _LabReading:
    code: Code | None
    attributes: dict
    value_start: int
    value_end: int


def _lab_reading(text: str, start: int, end: int, term: Term,
                 rows: dict[int, RowValue]) -> _LabReading | None:
    """The value written after the lab name or, in a result table, in the row's Value column
    (with its Unit column and any LOINC code the row states)."""
    code = term.code
    attrs = lab_attributes(text, end, code.code if code else None, term.extra)
    if attrs is not None:
        return _LabReading(code, attrs, end, attrs.pop("value_end"))
    row = rows.get(text.rfind("\n", 0, start) + 1)
    if row is None:
        return None
    code = Code(LOINC, row.loinc, term.term) if row.loinc else code
    # the value and unit cells read as if written after the name
    attrs = lab_attributes(f" {row.text} {row.unit}", 0, code.code if code else None,
                           term.extra)
    if attrs is None:
        return None
    attrs.pop("value_end")
    return _LabReading(code, attrs, row.start, row.end)


def _allergy_spans(text: str, sections) -> list[tuple[int, int]]:
    spans = [(s.start, s.end) for s in sections if s.name == "allergies"]
    for m in _ALLERGY_CUE.finditer(text):
        end = min(i for i in (text.find(".", m.end()), text.find("\n", m.end()), len(text))
                  if i >= 0)
        spans.append((m.end(), end))
    return spans


def _allergies(text: str, spans: list[tuple[int, int]]):
    for start, end in spans:
        body_start = text.find(":", start, end) + 1 or start
        if _NKDA.search(text[start:end]):
            continue
        for part in re.finditer(r"[^,;\n]+", text[body_start:end]):
            chunk = part.group(0)
            sub = _SUBSTANCE.search(chunk)
            if not sub or sub.group(0).lower() in ("none", "and", "the", "no", "allergies"):
                continue
            s = body_start + part.start() + sub.start()
            e = s + len(sub.group(0))
            after = text[e:body_start + part.end() + 40]
            reaction = _REACTION.match(after)
            severity = _SEVERITY.search(chunk)
            yield s, e, {
                "substance": sub.group(0),
                "reaction": (reaction.group("r1") or reaction.group("r2")).strip()
                if reaction else None,
                "severity": severity.group(1).lower() if severity else None,
            }


__all__ = ["LOINC", "extract_clinical"]
