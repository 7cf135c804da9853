"""C-CDA documents: coded entries of the problem, medication, allergy, result, vital sign
and procedure sections, plus each section's narrative <text> (tables rendered one row a
line, cells joined by " | ", so rows stay readable and extractable; a row whose first cell
is empty starts with "| ").
Each section also records which narrative rows its coded entries describe: C-CDA links an
entry to its narrative with <reference value="#ID"/> (under the entry's or observation's
<text>, a code's <originalText>, a value, ...) pointing at an element with that ID in the
section's <text>. A reference is resolved to the rendered line (table row, paragraph, list
item) the element lands on; an element rendered over several lines (a whole table or list)
says nothing about which row, and gives no span.
Parsed with defusedxml: hostile XML (entity bombs, external entities) is refused."""

from __future__ import annotations

from dataclasses import dataclass, replace
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
_STATUS = "33999-4"  # LOINC "Status": a problem's or allergy's status observation
_ENDED = {"413322009", "73425007"}  # SNOMED CT "Resolved", "Inactive"
_ACTS = {"act", "observation", "substanceAdministration", "procedure"}
_BLOCKS = {"paragraph", "item", "br", "thead", "tbody", "table", "list", "caption"}


Span = tuple[int, int]  # [start, end) character offsets into a section's narrative


@dataclass(frozen=True)
class CcdaFact:
    display: str
    code: Code | None
    value: float | None = None  # results and vital signs with a physical quantity
    unit: str | None = None
    # the narrative lines (rows) the fact's entry references; () when it references none
    # or only elements spanning several lines
    rows: tuple[Span, ...] = ()
    negated: bool = False  # the entry's act says it did not occur (negationInd="true")
    reactions: tuple[str, ...] = ()  # an allergy's manifestations (MFST observations)
    resolved: bool = False  # its status observation says resolved or inactive


@dataclass(frozen=True)
class CcdaSection:
    kind: str
    narrative: str
    facts: tuple[CcdaFact, ...]
    # every narrative line (row) some coded entry of the section references, sorted
    referenced_spans: tuple[Span, ...] = ()
    title: str = ""  # the section's <title>, as a reader sees it above the narrative


def _render(element: Element | None) -> tuple[str, dict[str, tuple[Span, ...]]]:
    """Narrative block as lines: one per paragraph, list item or table row; with, for each
    element ID, the spans of the rendered lines that element's text lands on."""
    if element is None:
        return "", {}
    parts: list[str] = []
    ranges: dict[str, tuple[int, int]] = {}  # element ID -> [first, last) index into parts

    def walk(el: Element) -> None:
        tag = el.tag.removeprefix(V3)
        first = len(parts)
        if tag == "tr":  # cells may hold paragraphs: a row is rendered flat, as one line
            cells = (" ".join("".join(cell.itertext()).split()) for cell in el)
            parts.append("\n" + " | ".join(cells) + "\n")
            for inner in el.iter():  # the row, its cells and their content: this line
                if ident := inner.get("ID"):
                    ranges.setdefault(ident, (first, first + 1))
            return
        if tag in _BLOCKS:
            parts.append("\n")
        parts.append(el.text or "")
        for child in el:
            walk(child)
            parts.append(child.tail or "")
        if ident := el.get("ID"):
            ranges.setdefault(ident, (first, len(parts)))

    walk(element)
    raw = "".join(parts)
    offsets = [0]
    for part in parts:
        offsets.append(offsets[-1] + len(part))
    # a row whose first cell is empty keeps its leading "| ": it continues the row above
    # (the coding rows under a problem, say) and its cells stay under their headers
    lines: list[str] = []
    kept: list[tuple[int, int, Span]] = []  # each output line: raw start, raw end, its span
    raw_start = out_start = 0
    for raw_line in raw.split("\n"):
        if line := " ".join(raw_line.split()).rstrip(" |"):
            lines.append(line)
            kept.append((raw_start, raw_start + len(raw_line), (out_start, out_start + len(line))))
            out_start += len(line) + 1
        raw_start += len(raw_line) + 1
    spans: dict[str, tuple[Span, ...]] = {}
    for ident, (first, last) in ranges.items():  # lines holding some of the element's text
        start, end = offsets[first], offsets[last]
        spans[ident] = tuple(span for a, b, span in kept
                             if raw[max(a, start):min(b, end)].strip())
    return "\n".join(lines), spans


def _row_spans(entry: Element, spans: dict[str, tuple[Span, ...]]) -> tuple[Span, ...]:
    """The narrative lines an entry references (IDs rendered over several lines left out)."""
    rows = set()
    for ref in entry.iter(f"{V3}reference"):
        target = spans.get((ref.get("value") or "").strip().removeprefix("#"), ())
        if len(target) == 1:
            rows.add(target[0])
    return tuple(sorted(rows))


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


def _ended(observation: Element) -> bool:
    """A status observation whose value is Resolved or Inactive."""
    value = observation.find("v3:value", NS)
    return (observation.find(f"v3:code[@code='{_STATUS}']", NS) is not None
            and value is not None and value.get("code") in _ENDED)


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
    if concept is None:
        return None
    # the first act that says whether it happened is the entry's own (reactions come later)
    negation = next((el.get("negationInd") for el in entry.iter()
                     if el.tag.removeprefix(V3) in _ACTS and el.get("negationInd")), None)
    reactions = tuple(
        reaction[0] for rel in entry.iter(f"{V3}entryRelationship")
        if rel.get("typeCode") == "MFST"
        and (reaction := _concept(rel.find("v3:observation/v3:value", NS))))
    resolved = any(_ended(obs) for obs in entry.iter(f"{V3}observation"))
    return CcdaFact(*concept, negated=negation == "true", reactions=reactions,
                    resolved=resolved)


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


def read_section(section: Element) -> CcdaSection:
    """One <section>: its narrative, and its coded facts when it is of a kind facts are
    read from (kind "" otherwise: the narrative alone)."""
    code = section.find("v3:code", NS)
    kind = SECTIONS.get(code.get("code", "") if code is not None else "", "")
    narrative, spans = _render(section.find("v3:text", NS))
    facts: list[CcdaFact] = []
    for entry in section.findall("v3:entry", NS) if kind else ():
        found = _measurements(entry) if kind in ("lab", "vital") else [_entry_fact(entry)]
        rows = _row_spans(entry, spans)
        facts.extend(replace(fact, rows=rows) for fact in found if fact)
    referenced = tuple(sorted({row for fact in facts for row in fact.rows}))
    title = section.find("v3:title", NS)
    return CcdaSection(kind, narrative, tuple(facts), referenced,
                       " ".join("".join(title.itertext()).split()) if title is not None else "")


def read_sections(path: Path) -> list[CcdaSection]:
    try:
        root = SafeET.parse(str(path)).getroot()
    except (SafeET.ParseError, DefusedXmlException, OSError):
        raise CorruptFile("the C-CDA document cannot be parsed") from None
    sections = (read_section(section) for section in root.iter(f"{V3}section"))
    return [section for section in sections if section.kind]


def import_ccda(path: Path) -> ImportedRecord:
    out = NarrativeBuilder()
    for section in read_sections(path):
        for fact in section.facts:
            attrs = {} if fact.value is None else {"value": fact.value, "unit": fact.unit}
            suffix = "" if fact.value is None else f" {fact.value:g} {fact.unit or ''}".rstrip()
            out.add(section.kind, fact.display, fact.code, suffix, attrs)
    return out.build()
