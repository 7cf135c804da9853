"""The seed's EHR JSON patient model becomes scrubbed, dated summary documents."""

from __future__ import annotations

import pytest

from engine.errors import InvalidRequest
from engine.phi import Scrubber
from engine.summary import summarize
from engine.summary.ehr import documents_from_ehr

EHR = {
    "patient_id": "P-77",
    "demographics": {"name": "Harold Benningfield", "dob": "1950-02-03", "gender": "M",
                     "mrn": "99812"},
    "visits": [
        {"visit_id": "v2", "date": "2024-05-01T10:00:00", "chief_complaint": "cough",
         "diagnoses": ["community-acquired pneumonia"],
         "medications": ["amoxicillin 500 mg three times daily"],
         "vitals": {"BP": "130/80", "HR": "88"}, "labs": [{"name": "WBC", "value": "12.1"}]},
        {"visit_id": "v1", "date": "2023-01-10", "chief_complaint": "follow-up",
         "diagnoses": ["hypertension"], "medications": ["lisinopril 10 mg daily"],
         "procedures": ["electrocardiogram"]},
    ],
}


def test_visits_become_documents_without_demographics():
    docs = documents_from_ehr(EHR, lambda t: Scrubber().scrub(t).text)
    assert [d.date for d in docs] == ["2024-05-01", "2023-01-10"]
    text = " ".join(d.text for d in docs)
    for value in ("Harold", "Benningfield", "99812", "1950"):
        assert value not in text
    result = summarize(docs, None)
    assert result.sections["timeline"][0]["text"].startswith("2023-01-10")
    problems = {i["text"].lower() for i in result.sections["active_problems"]}
    assert {"hypertension", "community-acquired pneumonia"} <= problems
    meds = " ".join(i["text"] for i in result.sections["medications"]).lower()
    assert "lisinopril 10 mg daily" in meds


@pytest.mark.parametrize("bad", [{}, {"visits": []}, {"visits": ["x"]}])
def test_bad_ehr_json(bad):
    with pytest.raises(InvalidRequest):
        documents_from_ehr(bad, lambda t: t)
