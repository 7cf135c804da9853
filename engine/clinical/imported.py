"""Coded facts imported from FHIR or C-CDA, as a readable narrative plus entities whose
offsets point into that narrative (the same schema that text extraction produces)."""

from __future__ import annotations

from dataclasses import dataclass

from engine.clinical.schema import ClinicalEntity, ClinicalExtraction, Code


@dataclass(frozen=True)
class ImportedRecord:
    narrative: str
    extraction: ClinicalExtraction


class NarrativeBuilder:
    """Appends one line per fact and remembers where each fact's name sits."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.entities: list[ClinicalEntity] = []

    def add(self, kind: str, name: str, code: Code | None, suffix: str = "",
            attributes: dict | None = None, assertion: str = "present",
            label: str | None = None) -> None:
        prefix = f"{label or kind.title()}: "
        start = self.length + len(prefix)
        line = f"{prefix}{name}{suffix}\n"
        self.parts.append(line)
        self.length += len(line)
        self.entities.append(ClinicalEntity(kind, name, start, start + len(name), assertion,
                                            code, attributes or {}, "imported"))

    def build(self, no_known_allergies: bool = False) -> ImportedRecord:
        return ImportedRecord("".join(self.parts),
                              ClinicalExtraction(tuple(self.entities), (), no_known_allergies))
