"""FHIR R4 Bundles (e.g. Synthea's) into the extraction schema. Patient demographics are
identifiers and are not imported; dates stay in the narrative, which the caller scrubs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.clinical.imported import ImportedRecord, NarrativeBuilder
from engine.clinical.schema import Code
from engine.errors import InvalidRequest

_VITAL_CATEGORY = "vital-signs"


def _code(concept: Mapping[str, Any] | None) -> tuple[str, Code | None]:
    concept = concept or {}
    coding = (concept.get("coding") or [{}])[0]
    name = coding.get("display") or concept.get("text") or "unnamed"
    code = Code(coding["system"], coding["code"], coding.get("display")) \
        if coding.get("system") and coding.get("code") else None
    return name, code


def _category(resource: Mapping[str, Any]) -> str:
    for category in resource.get("category") or ():
        for coding in category.get("coding") or ():
            return coding.get("code", "")
    return ""


def import_fhir_bundle(bundle: Mapping[str, Any]) -> ImportedRecord:
    if bundle.get("resourceType") != "Bundle":
        raise InvalidRequest("not a FHIR Bundle")
    out = NarrativeBuilder()
    for entry in bundle.get("entry") or ():
        r = entry.get("resource") or {}
        kind = r.get("resourceType")
        if kind == "Condition":
            name, code = _code(r.get("code"))
            status = ((r.get("clinicalStatus") or {}).get("coding") or [{}])[0].get("code")
            onset = str(r.get("onsetDateTime", ""))[:10]
            # The onset date is said in the narrative only, where it is scrubbed (shifted)
            # with the rest: an attribute would keep the real date beside shifted ones.
            out.add("problem", name, code, f" (onset {onset})" if onset else "",
                    {"status": status},
                    "historical" if status == "resolved" else "present")
        elif kind in ("MedicationRequest", "MedicationStatement"):
            name, code = _code(r.get("medicationCodeableConcept"))
            out.add("medication", name, code, "", {"status": r.get("status")},
                    label="Medication")
        elif kind == "AllergyIntolerance":
            name, code = _code(r.get("code"))
            reaction = ", ".join(_code(m)[0] for event in r.get("reaction") or ()
                                 for m in event.get("manifestation") or ())
            out.add("allergy", name, code, f" (reaction: {reaction})" if reaction else "",
                    {"substance": name, "reaction": reaction or None}, label="Allergy")
        elif kind == "Procedure":
            name, code = _code(r.get("code"))
            out.add("procedure", name, code)
        elif kind == "Observation":
            name, code = _code(r.get("code"))
            q = r.get("valueQuantity") or {}
            attrs: dict[str, Any] = {"name": name}
            suffix = ""
            if "value" in q:
                attrs.update(value=q["value"], unit=q.get("code") or q.get("unit"))
                shown = f"{q['value']:g}" if isinstance(q["value"], float) else q["value"]
                suffix = f" {shown} {q.get('unit', '')}".rstrip()
            kind_name = "vital" if _category(r) == _VITAL_CATEGORY else "lab"
            out.add(kind_name, name, code, suffix, attrs)
    return out.build()
