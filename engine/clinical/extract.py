"""``extract_clinical``: sections → vocabulary matches and measurements → assertions."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from engine.clinical import abbreviations, allergies, disease_shapes, social
from engine.clinical.context import assertion_for
from engine.clinical.drug_mentions import resolve as resolve_drugs
from engine.clinical.measurements import LOINC, find_vitals, lab_attributes
from engine.clinical.medications import attributes as medication_attributes
from engine.clinical.medications import indication_span
from engine.clinical.schema import ClinicalEntity, ClinicalExtraction, Code
from engine.clinical.sections import find_sections, heading_end, section_at
from engine.clinical.tables import RowValue, pipe_view, row_values
from engine.clinical.vocabulary import Term, load

# An allergy is the patient's, now, unless a negation a few words before its cue denies it
# ("not allergic to"), or its sentence doubts it, gives it to a relative or supposes it. A
# negation further back does not reach it ("not on any medication, allergic to peanuts"), and
# "history of" or a past-history section does not make it historical.
_ALLERGY_ASSERTIONS = ("possible", "family", "hypothetical")


def extract_clinical(text: str) -> ClinicalExtraction:
    # Tab- and space-aligned tables read as " | " ones: the view has the text's offsets.
    view = pipe_view(text)
    sections = find_sections(view)
    entities: list[ClinicalEntity] = []
    taken = bytearray(len(text))  # 1 where an entity (or a lab's value) already stands
    for section in sections:  # a heading names a section, not a finding: "PRESENT ILLNESS:"
        head_end = heading_end(view, section)
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
            assertion or assertion_for(view, start, end, sec), code, attrs, sec))

    for vital in find_vitals(view):
        system, code, display = vital["code"]
        add("vital", vital["start"], vital["end"], Code(system, code, display),
            {"name": vital["name"], **vital["attributes"]}, "present")
    for start, end, attrs in social.find(view, sections):
        add("social_history", start, end, None, attrs)
    vocabulary = load()

    def known_substance(name: str) -> bool:
        return any(vocabulary.get_typed(name, kind) for kind in ("medication", "substance")) \
            or allergies.is_allergen(name)

    allergy_spans = sorted(allergies.spans(view, sections, known_substance))
    allergy_starts = [s for s, _e in allergy_spans]

    def in_allergy(offset: int) -> bool:
        i = bisect.bisect_right(allergy_starts, offset) - 1
        return any(s <= offset < e for s, e in allergy_spans[max(0, i - 3):i + 1])

    rows = row_values(view) if "|" in view else {}
    drugs = resolve_drugs(view, abbreviations.expand(view, list(vocabulary.find(view))))
    matches = drugs.matches
    next_drug = [len(text)] * len(matches)  # where the next medication mention starts
    for index in range(len(matches) - 2, -1, -1):
        following = matches[index + 1]
        next_drug[index] = following[0] if following[2].type == "medication" \
            else next_drug[index + 1]
    indications: list[tuple[int, int, str]] = []  # where a drug's reason is written, the drug
    for index, (start, end, term) in enumerate(matches):
        if term.type == "lab":
            reading = _lab_reading(view, start, end, term, rows)
            # a value another lab of the row already took is not this one's
            if reading is not None and not any(taken[reading.value_start:reading.value_end]):
                add("lab", start, end, reading.code, {"name": term.term, **reading.attributes},
                    "present")
                taken[reading.value_start:reading.value_end] = \
                    b"\x01" * (reading.value_end - reading.value_start)
                continue
            # a lab name without a value may still name a drug ("potassium supplements")
            # or, when it is a chemical (sodium, creatinine), a substance
            drug = vocabulary.get_typed(term.term, "medication") or \
                vocabulary.get_typed(term.term, "substance") or \
                vocabulary.get_typed(term.term.rsplit(" ", 1)[-1], "substance")  # "serum …"
            if drug is None:
                continue
            term = drug
        if term.type in ("medication", "problem", "substance", "finding", "allergy") and \
                in_allergy(start):
            continue  # recorded as the allergy's substance (or its reaction) below
        if term.type == "problem" and allergies.opens_list(view, start):
            continue  # "allergy to penicillin": an allergy below, not a problem
        if term.type == "allergy":
            add("allergy", start, end, term.code, {"substance": text[start:end],
                                                   "reaction": None, "severity": None})
            continue
        # A drug's details end where the next drug begins ("add X; start Y 10 mg").
        attrs = ({**medication_attributes(view, start, end, next_drug[index]),
                  "normalized": term.extra, "drug_class": term.drug_class,
                  "synonyms": drugs.synonyms.get(start, [])}
                 if term.type == "medication" else {})
        if term.type == "medication" and (span := indication_span(view, start, end,
                                                                  next_drug[index])):
            indications.append((*span, term.extra))
        if term.type == "problem":
            _add_cause(view, start, end, vocabulary, entities, section_name)
            # "ibuprofen 400 mg for knee pain": the pain is the drug's indication
            reason_of = next((drug_name for s, e, drug_name in indications[-3:]
                              if s <= start < e), None)
            attrs = {"indication_of": reason_of} if reason_of else {}
        add(term.type, start, end, term.code, attrs)
    for start, end in disease_shapes.find(view):  # after every listed term: they come first
        if not in_allergy(start):
            add("problem", start, end, None, {"by_shape": True})
    for span in allergy_spans:
        denied = allergies.denied(view, span[0])
        for found in allergies.read(view, span, known_substance):
            attrs = dict(found.attributes)
            drug = vocabulary.get_typed(attrs["substance"], "medication")
            attrs["normalized"] = drug.extra if drug else None
            if denied:
                assertion = "negated"
            else:
                said = assertion_for(view, found.start, found.end, section_name(found.start))
                assertion = said if said in _ALLERGY_ASSERTIONS else "present"
            add("allergy", found.start, found.end, found.code or (drug.code if drug else None),
                attrs, assertion)
    entities.sort(key=lambda e: e.start)
    # "no known allergies" only when the text says so and lists none
    none_known = bool(allergies.NKA.search(view)) and not any(
        e.type == "allergy" and e.assertion != "negated" for e in entities)
    return ClinicalExtraction(tuple(entities), sections, none_known)


# "heparin-induced thrombocytopenia": the problem keeps its name and code, and the drug that
# caused it is recorded too, as a substance (not as a medication the patient takes).
_CAUSE = re.compile(r"([A-Za-z][\w]*)[-\s](?:induced|associated|related|exposed)\b", re.I)


def _add_cause(view: str, start: int, end: int, vocabulary, entities: list[ClinicalEntity],
               section_name) -> None:
    m = _CAUSE.match(view, start, end)
    if m is None:
        return
    drug = vocabulary.get_typed(m.group(1), "medication") or \
        vocabulary.get_typed(m.group(1), "substance")
    if drug is None:
        return
    entities.append(ClinicalEntity("substance", m.group(1), m.start(1), m.end(1), "present",
                                   drug.code, {"normalized": drug.extra, "causes": True},
                                   section_name(start)))


@dataclass(frozen=True)
class _LabReading:
    code: Code | None
    attributes: dict
    value_start: int
    value_end: int


_MAX_ROW = 400  # a result row's name cell starts this close to its line's start
_ROW_CODE = re.compile(r"(?m)^[ \t]*(\d{1,5}-\d)[ \t]*\|[^\n]*\Z")  # "2951-2 | Sodium"


def _lab_reading(text: str, start: int, end: int, term: Term,
                 rows: dict[int, RowValue]) -> _LabReading | None:
    """The value written after the lab name or, in a result table, in the row's Value column
    (with its Unit column and any LOINC code the row states)."""
    code = term.code
    written = _ROW_CODE.search(text, max(0, start - _MAX_ROW), start)  # code-first column
    if written is not None and "\n" not in text[written.end():start]:
        code = Code(LOINC, written.group(1), term.term)
    attrs = lab_attributes(text, end, code.code if code else None, term.extra)
    if attrs is not None:
        if stated := attrs.pop("written_code"):
            code = Code(LOINC, stated, term.term)
        return _LabReading(code, attrs, end, attrs.pop("value_end"))
    if not rows:
        return None
    row = rows.get(text.rfind("\n", max(0, start - _MAX_ROW), start) + 1)
    if row is None:
        return None
    code = Code(LOINC, row.loinc, term.term) if row.loinc else code
    # the value and unit cells read as if written after the name
    attrs = lab_attributes(f" {row.text} {row.unit}", 0, code.code if code else None,
                           term.extra)
    if attrs is None:
        return None
    attrs.pop("value_end")
    attrs.pop("written_code")
    return _LabReading(code, attrs, row.start, row.end)


__all__ = ["LOINC", "extract_clinical"]
