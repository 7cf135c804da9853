"""The typed result of clinical extraction; every fact points into the scrubbed text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

# Types and assertions are only ever added (the summary and stored results read them):
# "finding" an examination or review-of-systems sign, "substance" a chemical that is not a
# medicine taken (caffeine, sodium, the drug of "heparin-induced"), "social_history" tobacco,
# alcohol or drug use; "resolved" a problem that was present and is no longer.
ENTITY_TYPES = ("problem", "medication", "procedure", "lab", "vital", "allergy", "finding",
                "substance", "social_history")
ASSERTIONS = ("present", "negated", "possible", "historical", "family", "hypothetical",
              "resolved")


@dataclass(frozen=True)
class Code:
    system: str  # a FHIR system URI
    code: str
    display: str | None = None


@dataclass(frozen=True)
class ClinicalEntity:
    type: str
    text: str
    start: int
    end: int
    assertion: str = "present"
    code: Code | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)
    section: str | None = None


@dataclass(frozen=True)
class Section:
    name: str  # canonical: hpi, pmh, medications, allergies, family_history, …
    title: str
    start: int
    end: int


@dataclass(frozen=True)
class ClinicalExtraction:
    entities: tuple[ClinicalEntity, ...]
    sections: tuple[Section, ...]
    no_known_allergies: bool = False

    def of_type(self, entity_type: str) -> tuple[ClinicalEntity, ...]:
        return tuple(e for e in self.entities if e.type == entity_type)

    def to_dict(self) -> dict[str, Any]:
        return {
            "entities": [{**asdict(e), "attributes": dict(e.attributes)} for e in self.entities],
            "sections": [asdict(s) for s in self.sections],
            "no_known_allergies": self.no_known_allergies,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ClinicalExtraction:
        entities = tuple(
            ClinicalEntity(**{**e, "code": Code(**e["code"]) if e.get("code") else None})
            for e in data.get("entities", ())
        )
        sections = tuple(Section(**s) for s in data.get("sections", ()))
        return cls(entities, sections, bool(data.get("no_known_allergies")))
