"""C-CDA documents: coded entries of the problem, medication, allergy, result, vital sign
and procedure sections, plus each section's narrative <text> (tables rendered one row a
line, cells joined by " | ", so rows stay readable and extractable; a row whose first cell
is empty starts with "| ").
Parsed with defusedxml: hostile XML (entity bombs, external entities) is refused."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from engine.clinical.imported import ImportedRecord, NarrativeBuilder
from engine.clinical.schema import Code
from engine.errors import CorruptFile

V3 = "{urn:hl7-org:v3}"
NS = {"v3": "urn:hl7-org:v3"}
_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
SYSTEMS = {"2.16.840.1.113883.6.88": "http://www.nlm.nih.gov/research/umls/rxnorm",
           "2.16.840.1.113883.6.96": "http://snomed.info/sct",
           "2.16.840.1.113883.6.1": "http://loinc.org",
           "2.16.840.1.113883.6.90": "http://hl7.org/fhir/sid/icd-10-cm",
           "2.16.840.1.113883.6.103": "http://hl7.org/fhir/sid/icd-9-cm"}
# LOINC section codes -> entity type
SECTIONS = {"10160-0": "medication", "11450-4": "problem", "48765-2": "allergy",
            "30954-2": "lab", "8716-3": "vital", "47519-4": "procedure"}
_BLOCKS = {"paragraph", "item", "br", "thead", "tbody", "table", "list", "caption"}


@dataclass(frozen=True)
class CcdaFact:
    display: str
    code: Code | None
    value: float | None = None  # results and vital signs with a physical quantity
    unit: str | None = None


@dataclass(frozen=True)
class CcdaSection:
    kind: str
    narrative: str
    facts: tuple[CcdaFact, ...]


def _render(element: Element | None) -> str:
    """Narrative block as lines: one per paragraph, list item or table row."""
    if element is None:
        return ""
    parts: list[str] = []

    def walk(el: Element) -> None:
        tag = el.tag.removeprefix(V3)
        if tag == "tr":  # cells may hold paragraphs: a row is rendered flat, as one line
            cells = (" ".join("".join(cell.itertext()).split()) for cell in el)
            parts.append("\n" + " | ".join(cells) + "\n")
            return
        if tag in _BLOCKS:
            parts.append("\n")
        parts.append(el.text or "")
        for child in el:
            walk(child)
            parts.append(child.tail or "")

    walk(element)
    # a row whose first cell is empty keeps its leading "| ": it continues the row above
    # (the coding rows under a problem, say) and its cells stay under their headers
    lines = (" ".join(line.split()).rstrip(" |") for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _concept(code: Element | None) -> tuple[str, Code | None] | None:
    if code is None or (code.get("nullFlavor") and not code.get("displayName")):
        return None
    original = code.find("v3:originalText", NS)
    display = code.get("displayName") or (
        " ".join("".join(original.itertext()).split()) if original is not None else "")
    if not display:
        return None
    system = SYSTEMS.get(code.get("codeSystem", ""))
    coded = Code(system, code.get("code"), display) if system and code.get("code") else None
    return display, coded


def _entry_fact(entry: Element) -> CcdaFact | None:
    code = entry.find(".//v3:manufacturedMaterial/v3:code", NS)  # medications
    if code is None:
        code = entry.find(".//v3:participant//v3:playingEntity/v3:code", NS)  # allergies
    if code is None:
        code = entry.find(".//v3:observation/v3:value", NS)  # problems
        if code is not None and code.get("code") is None and not code.get("displayName"):
            code = entry.find(".//v3:observation/v3:code", NS)
    if code is None:
        code = entry.find(".//v3:procedure/v3:code", NS)
    concept = _concept(code)
    return CcdaFact(*concept) if concept else None


def _measurements(entry: Element) -> list[CcdaFact]:
    """Every observation of a result or vital-sign entry (organizers hold several)."""
    out = []
    for obs in entry.iter(f"{V3}observation"):
        concept = _concept(obs.find("v3:code", NS))
        value = obs.find("v3:value", NS)
        if concept is None:
            continue
        if value is not None and value.get(_XSI_TYPE, "").endswith("PQ") and value.get("value"):
            try:
                number = float(value.get("value", ""))
            except ValueError:
                number = None
            out.append(CcdaFact(*concept, number, value.get("unit") or None))
        else:
            out.append(CcdaFact(*concept))
    return out


def read_sections(path: Path) -> list[CcdaSection]:
    try:
        root = SafeET.parse(str(path)).getroot()
    except (SafeET.ParseError, DefusedXmlException, OSError):
        raise CorruptFile("the C-CDA document cannot be parsed") from None
    out = []
    for section in root.iter(f"{V3}section"):
        code = section.find("v3:code", NS)
        kind = SECTIONS.get(code.get("code", "") if code is not None else "")
        if kind is None:
            continue
        facts: list[CcdaFact] = []
        for entry in section.findall("v3:entry", NS):
            if kind in ("lab", "vital"):
                facts.extend(_measurements(entry))
            elif fact := _entry_fact(entry):
                facts.append(fact)
        out.append(CcdaSection(kind, _render(section.find("v3:text", NS)), tuple(facts)))
    return out


def import_ccda(path: Path) -> ImportedRecord:
    out = NarrativeBuilder()
    for section in read_sections(path):
        for fact in section.facts:
            attrs = {} if fact.value is None else {"value": fact.value, "unit": fact.unit}
            suffix = "" if fact.value is None else f" {fact.value:g} {fact.unit or ''}".rstrip()
            out.add(section.kind, fact.display, fact.code, suffix, attrs)
    return out.build()
