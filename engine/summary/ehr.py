"""The seed's EHR JSON patient model (``{"patient_id", "demographics", "visits": [...]}``)
as summary documents: one per visit, in visit order. Demographics are identifiers and are
never used; the visit text goes through the scrubber before anything else sees it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from engine.clinical import extract_clinical
from engine.errors import InvalidRequest
from engine.summary.record import SummaryDocument


def _lines(label: str, value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, Mapping):
        return [f"{label}: " + ", ".join(f"{k} {v}" for k, v in value.items())]
    if isinstance(value, list):
        items = [v if isinstance(v, str) else " ".join(str(x) for x in v.values())
                 if isinstance(v, Mapping) else str(v) for v in value]
        return [f"{label}: " + "; ".join(items)]
    return [f"{label}: {value}"]


def visit_text(visit: Mapping[str, Any]) -> str:
    lines = _lines("Chief complaint", visit.get("chief_complaint"))
    lines += _lines("Diagnoses", visit.get("diagnoses"))
    lines += _lines("Medications", visit.get("medications"))
    lines += _lines("Procedures", visit.get("procedures"))
    lines += _lines("Vital signs", visit.get("vitals"))
    lines += _lines("Labs", visit.get("labs"))
    return "\n".join(lines)


def documents_from_ehr(data: Mapping[str, Any], scrub: Callable[[str], str]
                       ) -> list[SummaryDocument]:
    visits = data.get("visits")
    if not isinstance(visits, list) or not visits:
        raise InvalidRequest("the EHR JSON has no visits")
    docs = []
    for index, visit in enumerate(visits):
        if not isinstance(visit, Mapping):
            raise InvalidRequest("each visit must be an object", {"visit": index})
        text = scrub(visit_text(visit))
        date = str(visit.get("date") or "")[:10] or None
        docs.append(SummaryDocument(f"visit-{index + 1}", f"Visit {index + 1}", date, text,
                                    extract_clinical(text).to_dict()))
    return docs
