"""Timeline order, event dates from sections, and clinical sentence splitting."""

from __future__ import annotations

from engine.clinical import extract_clinical
from engine.summary import SummaryDocument, summarize
from engine.summary.record import event_date, timeline
from engine.summary.sentences import sentence_spans

SURGICAL = ("PAST SURGICAL HISTORY: Appendectomy on 03/12/2015.\n"
            "ASSESSMENT AND PLAN: Hypertension, continue lisinopril 10 mg daily. "
            "Follow up with Dr. Smith in three months.\n")


def _doc(doc_id: str, date: str | None, text: str) -> SummaryDocument:
    return SummaryDocument(doc_id, f"Note {doc_id}", date, text, extract_clinical(text).to_dict())


def test_sentences_do_not_end_at_abbreviations():
    text = "Follow up with Dr. Smith in one week. Take 1 tab p.o. daily.\nPlan: rest"
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Follow up with Dr. Smith in one week.", "Take 1 tab p.o. daily.", "Plan: rest"]


def test_documents_in_date_order_undated_last():
    docs = [_doc("a", None, "No date here."), _doc("b", "2024-05-01", "x"),
            _doc("c", None, "Seen on 01/02/2023 for a cough."), _doc("d", "2022-01-01", "y")]
    assert [d.document_id for _, d in timeline(docs)] == ["d", "c", "b", "a"]


def test_a_dated_past_procedure_is_its_own_timeline_event():
    doc = _doc("s", "2024-02-01", SURGICAL)
    assert event_date(doc, SURGICAL.index("Appendectomy")) == "2015-03-12"
    assert event_date(doc, SURGICAL.index("Hypertension")) == "2024-02-01"
    result = summarize([doc], None)
    assert [i["text"] for i in result.sections["timeline"]] == [
        "2015-03-12 — Appendectomy",
        "2024-02-01 — Note s: Hypertension, continue lisinopril 10 mg daily."]
    assert result.sections["procedures"][0]["date"] == "2015-03-12"
    assert [i["text"] for i in result.sections["plan"]][-1] == \
        "Follow up with Dr. Smith in three months."
