"""C-CDA documents: coded entries of the problem, medication, allergy, result, vital sign
and procedure sections, plus each section's narrative text (for evaluation and summaries).
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

NS = {"v3": "urn:hl7-org:v3"}
SYSTEMS = {"2.16.840.1.113883.6.88": "http://www.nlm.nih.gov/research/umls/rxnorm",
           "2.16.840.1.113883.6.96": "http://snomed.info/sct",
           "2.16.840.1.113883.6.1": "http://loinc.org",
           "2.16.840.1.113883.6.90": "http://hl7.org/fhir/sid/icd-10-cm",
           "2.16.840.1.113883.6.103": "http://hl7.org/fhir/sid/icd-9-cm"}
# LOINC section codes → entity type
SECTIONS = {"10160-0": "medication", "11450-4": "problem", "48765-2": "allergy",
            "30954-2": "lab", "8716-3": "vital", "47519-4": "procedure"}


@dataclass(frozen=True)
class CcdaSection:
    kind: str
    narrative: str
    coded: tuple[tuple[str, Code | None], ...]  # (display, code)


def _text(element: Element | None) -> str:
    if element is None:
        return ""
    return " ".join(" ".join(element.itertext()).split())


def _coded(el: Element) -> tuple[str, Code | None] | None:
    code = el.find(".//v3:manufacturedMaterial/v3:code", NS)  # medications
    if code is None:
        code = el.find(".//v3:participant//v3:playingEntity/v3:code", NS)  # allergies
    if code is None:
        code = el.find(".//v3:observation/v3:value", NS)  # problems
        if code is not None and code.get("code") is None:
            code = el.find(".//v3:observation/v3:code", NS)  # results, vitals
    if code is None:
        code = el.find(".//v3:procedure/v3:code", NS) or el.find(".//v3:code", NS)
    if code is None or code.get("nullFlavor"):
        return None
    display = code.get("displayName") or _text(code.find("v3:originalText", NS))
    if not display:
        return None
    system = SYSTEMS.get(code.get("codeSystem", ""))
    return display, Code(system, code.get("code"), display) if system and code.get(
        "code") else None


def read_sections(path: Path) -> list[CcdaSection]:
    try:
        root = SafeET.parse(str(path)).getroot()
    except (SafeET.ParseError, DefusedXmlException, OSError):
        raise CorruptFile("the C-CDA document cannot be parsed") from None
    out = []
    for section in root.iter(f"{{{NS['v3']}}}section"):
        code = section.find("v3:code", NS)
        kind = SECTIONS.get(code.get("code", "") if code is not None else "")
        if kind is None:
            continue
        coded = tuple(c for c in (_coded(e) for e in section.findall("v3:entry", NS)) if c)
        out.append(CcdaSection(kind, _text(section.find("v3:text", NS)), coded))
    return out


def import_ccda(path: Path) -> ImportedRecord:
    out = NarrativeBuilder()
    for section in read_sections(path):
        for display, code in section.coded:
            out.add(section.kind, display, code)
    return out.build()
