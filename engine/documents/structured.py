"""Structured clinical documents (C-CDA XML, FHIR R4 JSON) read as structure, never as raw
markup: the text scrubbed, stored and shown is the rendered narrative (a C-CDA's title and
dates, then each section's title and narrative, tables one row a line with " | " cells;
for FHIR one line per coded fact), and the coded entries become clinical entities marked
source="coded", their offsets pointing at the narrative rows that reference them (a C-CDA
section's whole narrative when none does)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from engine.clinical.ccda_import import NS, V3, CcdaSection, read_section
from engine.clinical.fhir_import import import_fhir_bundle
from engine.clinical.schema import ClinicalEntity
from engine.documents.types import Checkpoint, ExtractionLimits, has_visible
from engine.errors import CorruptFile, EmptyDocument, FileTooLarge

STRUCTURED_KINDS = ("ccda", "fhir")


@dataclass(frozen=True)
class StructuredText:
    text: str  # the rendered narrative
    coded: tuple[ClinicalEntity, ...]  # offsets into ``text``
    vocabulary: frozenset[str]  # clinical terms the document names (engine/documents/vocabulary)

_CHECK_ELEMENTS = 1000
# A parsed JSON document costs several times its bytes in Python objects: one whose parse
# would outgrow the job's memory budget is refused before it is read.
_JSON_BYTES_FACTOR = 10


def _parse_xml(path: Path, limits: ExtractionLimits, checkpoint: Checkpoint) -> Element:
    """The document's tree, counted as it is built (the Word reader's element budget);
    DTD entities and external references are refused by defusedxml."""
    root: Element | None = None
    try:
        for count, (_, element) in enumerate(SafeET.iterparse(str(path), events=("start",))):
            if root is None:
                root = element
            if count % _CHECK_ELEMENTS == 0:
                checkpoint()
                if count > limits.xml_elements:
                    raise FileTooLarge("the C-CDA document has too many elements",
                                       {"max_elements": limits.xml_elements})
    except (SafeET.ParseError, DefusedXmlException):
        raise CorruptFile("the C-CDA document cannot be parsed") from None
    if root is None or root.tag != f"{V3}ClinicalDocument":
        raise CorruptFile("the document is not a C-CDA ClinicalDocument")
    return root


def _words(element: Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _hl7_date(element: Element | None) -> str:
    """An HL7 timestamp (YYYYMMDDhhmmss+zzzz) as an ISO date, the form the scrubber and
    readers know; "" when absent or not a date."""
    value = (element.get("value") or "") if element is not None else ""
    digits = value[:8]
    if len(digits) < 4 or not digits.isdigit():
        return ""
    return "-".join(part for part in (digits[:4], digits[4:6], digits[6:8]) if part)


def _header(root: Element) -> list[str]:
    """The title and date lines. The patient's name is left out: the record says whose the
    document is, and a name the scrubber does not recognise ("Data Export5") would be kept;
    the birth date stays (the patient's age), in the ISO form dates are scrubbed in."""
    patient = root.find("v3:recordTarget/v3:patientRole/v3:patient", NS)
    lines = [_words(root.find("v3:title", NS))]
    if patient is not None and (born := _hl7_date(patient.find("v3:birthTime", NS))):
        lines.append(f"Date of birth: {born}")
    if date := _hl7_date(root.find("v3:effectiveTime", NS)):
        lines.append(f"Date: {date}")
    return [line for line in lines if line]


def _section_entities(section: CcdaSection, at: int, title_at: int) -> list[ClinicalEntity]:
    """The section's coded facts as entities: spanning the rows their entries reference,
    or the whole section when they reference none."""
    out = []
    for fact in section.facts:
        attrs: dict[str, Any] = {"source": "coded"}
        if fact.rows:
            start, end = at + fact.rows[0][0], at + fact.rows[-1][1]
        else:
            start, end = title_at, at + len(section.narrative)
            attrs["span"] = "section"  # where in the section the narrative says it is unknown
        if fact.value is not None:
            attrs.update(value=fact.value, unit=fact.unit)
        if section.kind == "allergy":
            attrs.update(substance=fact.display, reaction=", ".join(fact.reactions) or None)
        assertion = "negated" if fact.negated else "resolved" if fact.resolved else "present"
        out.append(ClinicalEntity(section.kind, fact.display, start, end, assertion,
                                  fact.code, attrs))
    return out


def _vocabulary(section: Element) -> set[str]:
    """Display names of the section's coded concepts, its column headings and title."""
    terms = {_words(section.find("v3:title", NS))}
    terms.update(_words(heading) for heading in section.iter(f"{V3}th"))
    terms.update(name for element in section.iter() if (name := element.get("displayName")))
    return terms


def read_ccda(path: Path, limits: ExtractionLimits, checkpoint: Checkpoint) -> StructuredText:
    root = _parse_xml(path, limits, checkpoint)
    parts = ["\n".join(_header(root))]
    offset = len(parts[0])
    entities: list[ClinicalEntity] = []
    vocabulary: set[str] = set()
    for element in root.iter(f"{V3}section"):
        checkpoint()
        vocabulary |= _vocabulary(element)
        section = read_section(element)
        if not section.narrative and not section.facts:
            continue
        title = section.title or "Section"
        gap = "\n\n" if offset else ""  # a blank line between header and sections
        parts.append(f"{gap}{title}\n{section.narrative}")
        entities.extend(_section_entities(section, offset + len(gap) + len(title) + 1,
                                          offset + len(gap)))
        offset += len(parts[-1])
    return StructuredText("".join(parts), tuple(entities), frozenset(vocabulary))


def read_fhir(path: Path, limits: ExtractionLimits, checkpoint: Checkpoint) -> StructuredText:
    size = path.stat().st_size
    if size * _JSON_BYTES_FACTOR > limits.memory_bytes:
        raise FileTooLarge("the FHIR document is too large to read",
                           {"size": size, "max_bytes": limits.memory_bytes // _JSON_BYTES_FACTOR})
    try:
        data = json.loads(path.read_bytes())  # UTF-8/16/32 as RFC 8259 allows
    except (ValueError, RecursionError):
        raise CorruptFile("the FHIR document is not valid JSON") from None
    checkpoint()
    if not isinstance(data, dict) or not isinstance(data.get("resourceType"), str):
        raise CorruptFile("the document is not a FHIR resource")
    bundle = data if data["resourceType"] == "Bundle" else {
        "resourceType": "Bundle", "entry": [{"resource": data}]}
    record = import_fhir_bundle(bundle)
    entities = tuple(replace(e, section=None, attributes={**e.attributes, "source": "coded"})
                     for e in record.extraction.entities)
    reactions = {r for e in entities for r in (e.attributes.get("reaction") or "").split(", ")}
    return StructuredText(record.narrative.rstrip("\n"), entities,
                          frozenset({e.text for e in entities} | reactions))


_READERS = {"ccda": read_ccda, "fhir": read_fhir}


def read_structured(kind: str, path: Path, limits: ExtractionLimits,
                    checkpoint: Checkpoint) -> StructuredText:
    read = _READERS[kind](path, limits, checkpoint)
    if not has_visible(read.text):
        raise EmptyDocument("the structured document holds no narrative or coded facts")
    return read


def merge_coded(extraction: Mapping[str, Any] | None, coded: Sequence[ClinicalEntity],
                locate: Callable[[int], int]) -> dict[str, Any]:
    """The text extraction with the coded entities added, their offsets moved by
    ``locate`` (original text → scrubbed text). A text-found entity of the same type
    inside the narrative row a coded one references is the same fact read twice: the coded
    one is kept. A coded entity spanning its whole section says nothing of which of the
    section's other facts it is, and replaces none."""
    placed = [replace(e, start=locate(e.start), end=locate(e.end)) for e in coded]
    rows = [c for c in placed if c.attributes.get("span") != "section"]
    found = list((extraction or {}).get("entities", ()))
    kept = [e for e in found
            if not any(c.type == e["type"] and c.start <= e["start"] and e["end"] <= c.end
                       for c in rows)]
    entities = [{**asdict(e), "attributes": dict(e.attributes)} for e in placed] + kept
    return {**(extraction or {"sections": [], "no_known_allergies": False}),
            "entities": sorted(entities, key=lambda e: (e["start"], e["end"]))}
