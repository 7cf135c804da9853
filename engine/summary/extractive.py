"""Summary sections rendered from the record's fact table: always available, needs no
model, and every item cites the spans of the documents it came from.

Active problems are the present ones and the chronic conditions of the past history; a
possible problem is listed only as possible; negated, family, resolved and past
non-chronic problems are left out. Medications are the current ones (a change written as
"changed from 20 mg"); stopped ones are listed apart."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from engine.protocol import SUMMARY_SECTIONS
from engine.summary.facts import CURRENT, Fact, FactTable
from engine.summary.record import SummaryDocument, timeline
from engine.summary.sentences import sentence_spans

SECTIONS = tuple(SUMMARY_SECTIONS)
_TITLE = re.compile(r"[A-Z][A-Z /&-]+:\s*")
_LIST_MARK = re.compile(r"(?:\d+[.)]|[-•*])\s+")


def _item(fact: Fact, text: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"text": text or fact.describe(), "citations": [dict(c) for c in fact.citations],
            "fact": fact.id, "status": fact.status, **extra}


def _prose(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences of at least four words, without a leading title or list number."""
    spans = []
    for s, e in sentence_spans(text, start, end):
        for prefix in (_TITLE, _LIST_MARK):
            if m := prefix.match(text, s, e):
                s = m.end()
        if len(text[s:e].split()) >= 4:
            spans.append((s, e))
    return spans


def _timeline(docs: Sequence[SummaryDocument], table: FactTable) -> list[dict[str, Any]]:
    """One line per document (the first sentence of its assessment, else of its history),
    and each dated past procedure."""
    items = []
    for date, doc in timeline(docs):
        by_name = {sec["name"]: sec for sec in (doc.clinical or {}).get("sections", ())}
        focus = by_name.get("assessment_plan") or by_name.get("hpi")
        first = (_prose(doc.text, focus["start"], focus["end"]) if focus else []) or \
            _prose(doc.text, 0, min(len(doc.text), 600)) or \
            sentence_spans(doc.text, 0, min(len(doc.text), 600))  # short visit lines
        if first:
            s, e = first[0]
            label = date or "undated"
            items.append({"text": f"{label} — {doc.title}: {' '.join(doc.text[s:e].split())}",
                          "citations": [{"document_id": doc.document_id, "start": s, "end": e}],
                          "date": date or None})
    documents = {date for date, _ in timeline(docs)}
    for fact in table.of("procedure"):
        if fact.date and fact.date not in documents:
            items.append(_item(fact, f"{fact.date} — {fact.text}", date=fact.date))
    # Stable: undated entries stay after the dated ones, in document order.
    items.sort(key=lambda item: (item["date"] is None, item["date"] or ""))
    return items


def build_sections(docs: Sequence[SummaryDocument], table: FactTable
                   ) -> dict[str, list[dict[str, Any]]]:
    sections: dict[str, list[dict[str, Any]]] = {name: [] for name in SECTIONS}
    sections["active_problems"] = [_item(f) for f in table.of("problem", "active")]
    sections["possible_problems"] = [_item(f) for f in table.of("problem", "possible")]
    sections["medications"] = [_item(f) for f in table.of("medication", *CURRENT)]
    sections["stopped_medications"] = [_item(f) for f in table.of("medication", "stopped")]
    sections["allergies"] = [_item(f) for f in table.of("allergy")]
    if not sections["allergies"] and table.no_known_allergies:
        sections["allergies"].append({"text": "No known drug allergies", "citations": []})
    sections["labs_vitals"] = [
        _item(f, abnormal=f.attributes.get("abnormal"), date=f.date)
        for f in (*table.of("lab"), *table.of("vital"))]
    sections["procedures"] = [_item(f, date=f.date) for f in table.of("procedure")]
    sections["plan"] = [_item(f) for f in table.of("plan")]
    sections["timeline"] = _timeline(docs, table)
    abnormal = [i for i in sections["labs_vitals"] if i.get("abnormal")]
    sections["overview"].append({"text": (
        f"{len(docs)} document(s); {len(sections['active_problems'])} active problem(s), "
        f"{len(sections['medications'])} current medication(s), {len(abnormal)} abnormal "
        "result(s)."), "citations": []})
    return sections
