"""Summary sections built straight from the extracted facts: always available, needs no
model, and every item cites the span of the document it came from."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from engine.clinical.vocabulary import key as term_key
from engine.protocol import SUMMARY_SECTIONS
from engine.summary.record import SummaryDocument, event_date, timeline
from engine.summary.sentences import sentence_spans

SECTIONS = tuple(SUMMARY_SECTIONS)
_TITLE = re.compile(r"[A-Z][A-Z /&-]+:\s*")
_KEEP = ("present", "possible")
_KEEP_PROCEDURE = (*_KEEP, "historical")  # a past operation still belongs in the summary


def _cite(doc: SummaryDocument, start: int, end: int) -> dict[str, Any]:
    return {"document_id": doc.document_id, "start": start, "end": end}


def _entities(doc: SummaryDocument) -> list[Mapping[str, Any]]:
    return list((doc.clinical or {}).get("entities", ()))


def _describe_med(e: Mapping[str, Any]) -> str:
    a = e.get("attributes", {})
    parts = [e["text"]] + [str(a[k]) for k in ("strength", "route", "frequency") if a.get(k)]
    if a.get("prn"):
        parts.append("as needed")
    if a.get("status") in ("stopped", "started", "changed"):
        parts.append(f"({a['status']})")
    return " ".join(parts)


def _describe_measure(e: Mapping[str, Any]) -> str:
    a = e.get("attributes", {})
    name = a.get("name") or e["text"]
    if "systolic" in a:
        value = f"{a['systolic']}/{a['diastolic']} {a.get('unit', '')}"
    else:
        value = f"{a.get('value')} {a.get('unit') or ''}"
    flag = {"H": " (high)", "L": " (low)"}.get(a.get("abnormal") or "", "")
    return f"{name}: {value.strip()}{flag}"


def _prose(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences of at least four words, without a leading "ASSESSMENT AND PLAN:" title."""
    spans = []
    for s, e in sentence_spans(text, start, end):
        if title := _TITLE.match(text, s, e):
            s = title.end()
        if len(text[s:e].split()) >= 4:
            spans.append((s, e))
    return spans


def build_sections(docs: Sequence[SummaryDocument]) -> dict[str, list[dict[str, Any]]]:
    sections: dict[str, list[dict[str, Any]]] = {name: [] for name in SECTIONS}
    seen: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in SECTIONS}

    def add(section: str, key: str, text: str, doc: SummaryDocument, start: int, end: int,
            **extra: Any) -> None:
        text = " ".join(text.split())  # a term broken across lines reads as one line
        if key in seen[section]:  # the newest mention wins, every mention is cited
            item = seen[section][key]
            item.update(text=text, **extra)
            item["citations"].append(_cite(doc, start, end))
            return
        item = {"text": text, "citations": [_cite(doc, start, end)], **extra}
        seen[section][key] = item
        sections[section].append(item)

    ordered = timeline(docs)
    no_allergies: SummaryDocument | None = None
    for date, doc in ordered:
        for e in _entities(doc):
            kind, key = e["type"], term_key(e["text"])  # "total knee\narthroplasty" is one
            keep = _KEEP_PROCEDURE if kind == "procedure" else _KEEP
            if e.get("assertion") not in keep and kind != "allergy":
                continue
            if kind == "problem":
                add("active_problems", key, e["text"], doc, e["start"], e["end"],
                    assertion=e["assertion"], code=e.get("code"))
            elif kind == "medication":
                add("medications", key, _describe_med(e), doc, e["start"], e["end"],
                    status=e.get("attributes", {}).get("status"), code=e.get("code"))
            elif kind == "allergy":
                a = e.get("attributes", {})
                text = a.get("substance", e["text"]) + (f" ({a['reaction']})"
                                                        if a.get("reaction") else "")
                add("allergies", key, text, doc, e["start"], e["end"])
            elif kind in ("lab", "vital"):
                name = (e.get("attributes", {}).get("name") or key)
                add("labs_vitals", name, _describe_measure(e), doc, e["start"], e["end"],
                    abnormal=e.get("attributes", {}).get("abnormal"),
                    date=event_date(doc, e["start"]) or None)
            elif kind == "procedure":
                when = event_date(doc, e["start"])
                add("procedures", key, e["text"], doc, e["start"], e["end"], date=when or None)
                if when and when != date:  # a dated past procedure is its own timeline event
                    add("timeline", f"{when}:{key}", f"{when} — {e['text']}", doc,
                        e["start"], e["end"], date=when)
        if (doc.clinical or {}).get("no_known_allergies"):
            no_allergies = doc
        for sec in (doc.clinical or {}).get("sections", ()):
            if sec["name"] == "assessment_plan":
                for s, e in _prose(doc.text, sec["start"], sec["end"])[:6]:
                    add("plan", f"{doc.document_id}:{s}", doc.text[s:e], doc, s, e)
        # The timeline line: the first sentence of the assessment, else of the history.
        by_name = {sec["name"]: sec for sec in (doc.clinical or {}).get("sections", ())}
        focus = by_name.get("assessment_plan") or by_name.get("hpi")
        first = (_prose(doc.text, focus["start"], focus["end"]) if focus else []) or \
            _prose(doc.text, 0, min(len(doc.text), 600)) or \
            sentence_spans(doc.text, 0, min(len(doc.text), 600))  # short visit lines
        if first:
            s, e = first[0]
            label = date or "undated"
            add("timeline", doc.document_id, f"{label} — {doc.title}: {doc.text[s:e]}",
                doc, s, e, date=date or None)
    # Stable: undated entries stay after the dated ones, in document order.
    sections["timeline"].sort(key=lambda item: (item["date"] is None, item["date"] or ""))
    if not sections["allergies"] and no_allergies is not None:
        sections["allergies"].append({"text": "No known drug allergies", "citations": []})
    abnormal = [i for i in sections["labs_vitals"] if i.get("abnormal")]
    sections["overview"].append({"text": (
        f"{len(docs)} document(s); {len(sections['active_problems'])} problem(s), "
        f"{len(sections['medications'])} medication(s), {len(abnormal)} abnormal result(s)."),
        "citations": []})
    return sections
