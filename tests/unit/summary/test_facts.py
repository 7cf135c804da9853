"""The fact table and the sections built from it: the project's sample note, and
multi-document records where a later note stops a drug or resolves a problem."""

from __future__ import annotations

import pytest

from engine.clinical import extract_clinical
from engine.phi import Scrubber
from engine.summary import SummaryDocument, summarize
from engine.summary.facts import build_facts


def _doc(doc_id: str, date: str | None, text: str) -> SummaryDocument:
    return SummaryDocument(doc_id, f"Note {doc_id}", date, text, extract_clinical(text).to_dict())


@pytest.fixture(scope="module")
def sample(samples_dir) -> SummaryDocument:
    text = Scrubber(record_secret=b"s" * 32).scrub(
        (samples_dir / "clinic_note.txt").read_text("utf-8")).text
    return _doc("sample", None, text)


def _texts(result, section: str) -> list[str]:
    return [i["text"].lower() for i in result.sections[section]]


def test_the_sample_note_summary(sample):
    result = summarize([sample], None)
    # present problems and the chronic conditions of the past history; nothing denied
    assert _texts(result, "active_problems") == [
        "type 2 diabetes mellitus", "hypertension", "hyperlipidemia", "osteoarthritis"]
    assert _texts(result, "possible_problems") == ["diabetic neuropathy (possible)"]
    meds = _texts(result, "medications")
    assert "metformin 1000 mg by mouth twice daily" in meds  # "increase ... not possible"
    assert "lisinopril 40 mg by mouth daily (changed from 20 mg)" in meds
    assert any(m.startswith("empagliflozin 10 mg daily") for m in meds)
    assert not result.sections["stopped_medications"]
    assert _texts(result, "allergies") == ["penicillin (hives)"]
    plan = [i["text"] for i in result.sections["plan"]]
    assert "Increase metformin is not possible; add empagliflozin 10 mg daily." in plan
    assert "Recheck A1c in 3 months." in plan
    assert not any("signed" in p.lower() for p in plan)
    assert result.sections["checks"] == []  # A1c above 7 % has its recheck planned
    markdown = result.markdown
    assert "## Possible problems (not confirmed)" in markdown and "polyuria" not in markdown


FIRST = ("HISTORY OF PRESENT ILLNESS: Cellulitis of the right leg.\n"
         "MEDICATIONS:\n1. Furosemide 40 mg by mouth daily.\n"
         "2. Levothyroxine 50 mcg by mouth daily.\n3. Simvastatin 20 mg nightly.\n"
         "FAMILY HISTORY: Colon cancer in his father.\n")
SECOND = ("HISTORY OF PRESENT ILLNESS: The cellulitis has resolved. His sister has colon "
          "cancer.\nASSESSMENT AND PLAN: Discontinue furosemide.\nContinue levothyroxine.\n"
          "Increase simvastatin to 40 mg nightly. Possible sleep apnea; sleep study ordered.\n")


def test_later_documents_win():
    docs = [_doc("b", "2024-06-01", SECOND), _doc("a", "2024-01-10", FIRST)]
    table = build_facts(docs)
    status = {f.key: f.status for f in table.facts if f.kind in ("problem", "medication")}
    assert status["cellulitis"] == "resolved"
    assert status["colon cancer"] == "family"
    assert status["furosemide"] == "stopped"
    assert status["sleep apnea"] == "possible"
    result = summarize(docs, None)
    meds = _texts(result, "medications")
    # a bare later mention keeps the dose written before it
    assert "levothyroxine 50 mcg by mouth daily" in meds
    assert "simvastatin 40 mg nightly (changed from 20 mg)" in meds
    assert not any("furosemide" in m for m in meds)
    assert _texts(result, "stopped_medications") == ["furosemide 40 mg by mouth daily (stopped)"]
    assert result.sections["active_problems"] == []
    # every item cites where it was read, in both documents
    furosemide = result.sections["stopped_medications"][0]["citations"]
    assert {c["document_id"] for c in furosemide} == {"a", "b"}


def test_a_hedge_after_the_diagnosis_makes_it_possible():
    doc = _doc("h", "2024-02-02", "ASSESSMENT: Pulmonary embolism is suspected. Gout.\n")
    result = summarize([doc], None)
    assert _texts(result, "active_problems") == ["gout"]
    assert _texts(result, "possible_problems") == ["pulmonary embolism (possible)"]


def test_a_past_condition_that_is_not_chronic_is_not_active_nor_is_the_allergy_word():
    doc = _doc("p", "2024-02-02", "HISTORY OF PRESENT ILLNESS: His allergies are seasonal.\n"
                                  "PAST MEDICAL HISTORY: Pneumonia, asthma, gout.\n")
    assert _texts(summarize([doc], None), "active_problems") == ["asthma", "gout"]


def test_only_the_patients_allergies_are_listed_and_a_doubtful_one_says_so():
    doc = _doc("a", "2024-02-02", "HPI: She is not allergic to latex. Her mother is allergic "
                                  "to sulfa. Possible allergy to amoxicillin.\n"
                                  "Allergies: penicillin (hives).\n")
    assert _texts(summarize([doc], None), "allergies") == [
        "amoxicillin (possible)", "penicillin (hives)"]
    # one firm mention outweighs a doubtful one, in either order
    firm = _doc("b", "2024-03-03", "Allergies: amoxicillin (rash).\n")
    for docs in ([doc, firm], [firm, doc]):
        assert "amoxicillin (rash)" in _texts(summarize(docs, None), "allergies")


def test_a_drug_given_during_the_stay_is_not_a_current_medication():
    doc = _doc("d", "2024-02-02", "HOSPITAL COURSE: He was treated with ceftriaxone 1 g IV "
                                  "daily, then switched to oral amoxicillin.\n"
                                  "DISCHARGE MEDICATIONS:\n1. Amoxicillin 500 mg by mouth three "
                                  "times daily for 5 days.\n")
    result = summarize([doc], None)
    assert _texts(result, "medications") == ["amoxicillin 500 mg by mouth three times daily"]
    assert _texts(result, "stopped_medications") == []


@pytest.mark.parametrize(("course", "active"), [
    ("He presented with fever, productive cough and hypoxia. He improved on antibiotics.",
     ["pneumonia"]),
    # what was found after the presentation is still the patient's
    ("She presented with chest pain and was found to have pulmonary embolism.",
     ["pneumonia", "pulmonary embolism"]),
])
def test_what_a_stay_began_with_is_not_active_at_discharge(course, active):
    doc = _doc("s", "2024-02-02", f"ADMISSION DIAGNOSIS: Pneumonia.\nHOSPITAL COURSE: {course}\n")
    assert _texts(summarize([doc], None), "active_problems") == active


def test_a_presentation_outside_a_stay_is_still_active():
    doc = _doc("c", "2024-02-02", "HPI: She presented with fever and cough.\n")
    assert _texts(summarize([doc], None), "active_problems") == ["fever", "cough"]
