"""A FHIR R4 Bundle (collection) of what was extracted: plain dicts, validated in tests with
fhir.resources so the engine does not carry that dependency."""

from __future__ import annotations

import uuid
from typing import Any

from engine.clinical.schema import ClinicalEntity, ClinicalExtraction

_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
_CLINICAL_STATUS = "http://terminology.hl7.org/CodeSystem/condition-clinical"
_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
_ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
_ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
# A relative's condition or allergy, or a supposed one, is no resource of the patient's.
_NOT_THE_PATIENTS = ("family", "hypothetical")


def _concept(entity: ClinicalEntity) -> dict[str, Any]:
    concept: dict[str, Any] = {"text": entity.text}
    if entity.code:
        concept["coding"] = [{"system": entity.code.system, "code": entity.code.code,
                              **({"display": entity.code.display} if entity.code.display
                                 else {})}]
    return concept


def _quantity(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit}


def _coded(system: str, code: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code}]}


def _resource(entity: ClinicalEntity, subject: dict[str, str]) -> dict[str, Any] | None:
    a = entity.attributes
    if entity.type in ("problem", "allergy") and entity.assertion in _NOT_THE_PATIENTS:
        return None
    if entity.type == "problem":
        verification = {"negated": "refuted", "possible": "provisional"}.get(entity.assertion,
                                                                            "confirmed")
        clinical = "resolved" if entity.assertion in ("historical", "resolved") else "active"
        return {"resourceType": "Condition", "subject": subject, "code": _concept(entity),
                "clinicalStatus": _coded(_CLINICAL_STATUS, clinical),
                "verificationStatus": _coded(_VERIFICATION, verification)}
    if entity.type == "medication":
        status = {"stopped": "stopped", "given": "completed", "negated": "not-taken"}.get(
            a.get("status") if entity.assertion != "negated" else "negated", "active")
        med: dict[str, Any] = {"resourceType": "MedicationStatement", "status": status,
                               "subject": subject, "medicationCodeableConcept": _concept(entity)}
        dosage = " ".join(str(a[k]) for k in ("strength", "route", "frequency") if a.get(k))
        if dosage or a.get("prn"):
            med["dosage"] = [{"text": dosage or "as needed",
                              **({"asNeededBoolean": True} if a.get("prn") else {})}]
        return med
    if entity.type == "allergy":
        verification = {"negated": "refuted", "possible": "unconfirmed"}.get(
            entity.assertion, "confirmed")
        out: dict[str, Any] = {
            "resourceType": "AllergyIntolerance", "patient": subject,
            "clinicalStatus": _coded(_ALLERGY_CLINICAL,
                                     "inactive" if verification == "refuted" else "active"),
            "verificationStatus": _coded(_ALLERGY_VERIFICATION, verification),
            "code": {"text": a.get("substance") or entity.text}}
        if a.get("reaction"):
            out["reaction"] = [{"manifestation": [{"text": a["reaction"]}]}]
        if a.get("severity") in ("mild", "moderate", "severe"):
            out.setdefault("reaction", [{"manifestation": [{"text": "unspecified"}]}])
            out["reaction"][0]["severity"] = a["severity"]
        return out
    if entity.type == "procedure":
        return {"resourceType": "Procedure", "status": "completed", "subject": subject,
                "code": _concept(entity)}
    if entity.type in ("lab", "vital"):
        category = "vital-signs" if entity.type == "vital" else "laboratory"
        obs: dict[str, Any] = {
            "resourceType": "Observation", "status": "final", "subject": subject,
            "category": [{"coding": [{"system": _CATEGORY, "code": category}]}],
            "code": _concept(entity),
        }
        if "systolic" in a:
            obs["component"] = [
                {"code": {"coding": [{"system": "http://loinc.org", "code": "8480-6",
                                      "display": "Systolic blood pressure"}]},
                 "valueQuantity": _quantity(a["systolic"], "mm[Hg]")},
                {"code": {"coding": [{"system": "http://loinc.org", "code": "8462-4",
                                      "display": "Diastolic blood pressure"}]},
                 "valueQuantity": _quantity(a["diastolic"], "mm[Hg]")},
            ]
        elif "value" in a:
            obs["valueQuantity"] = _quantity(a["value"], a.get("unit") or "1")
        if a.get("abnormal") in ("H", "L"):
            obs["interpretation"] = [{"coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
                "code": a["abnormal"]}]}]
        return obs
    return None


def to_fhir_bundle(extraction: ClinicalExtraction, *, patient_id: str,
                   document_id: str | None = None) -> dict[str, Any]:
    subject = {"reference": f"Patient/{patient_id}"}
    entries = [{"fullUrl": f"urn:uuid:{uuid.uuid4()}", "resource": {
        "resourceType": "Patient", "id": patient_id}}]
    for entity in extraction.entities:
        resource = _resource(entity, subject)
        if resource is None:
            continue
        if document_id:
            resource["note"] = [{"text": f"From document {document_id}, "
                                         f"offsets {entity.start}-{entity.end}"}] \
                if resource["resourceType"] in ("Condition", "MedicationStatement",
                                                "AllergyIntolerance", "Procedure",
                                                "Observation") else resource.get("note")
        entries.append({"fullUrl": f"urn:uuid:{uuid.uuid4()}", "resource": resource})
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}
