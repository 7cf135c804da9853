"""A record's scrubbed documents and their extracted data, as a chronological timeline."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from engine.phi.dates import find_dates
from engine.summary.sentences import sentence_spans


@dataclass(frozen=True)
class SummaryDocument:
    document_id: str
    title: str
    date: str | None  # ISO date when known
    text: str  # scrubbed
    clinical: Mapping[str, Any] | None


@dataclass(frozen=True)
class SummaryOptions:
    """None means: the model's own default from models_config.json, else the seed's."""

    model: str | None = None
    max_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    timeout_s: float | None = None
    use_model: bool = True

    def resolved(self, model_defaults: Mapping[str, Any]) -> SummaryOptions:
        seed = {"max_tokens": 512, "temperature": 0.3, "top_p": 0.9, "timeout_s": 300.0}
        return replace(self, **{
            key: getattr(self, key) if getattr(self, key) is not None
            else model_defaults.get(key, default) for key, default in seed.items()})


_NOT_VISIT = ("dob", "birth", "born")  # a birth date is no visit date
_LOOKBACK = 2000  # characters before an entity searched for the date it happened on


def _full_dates(text: str) -> list[tuple[int, str]]:
    """(offset, ISO date) of every full date in ``text`` that is not a birth date."""
    found = []
    for parsed in find_dates(text):
        before = text[max(0, parsed.match.start() - 15):parsed.match.start()].lower()
        if parsed.year and parsed.day and not any(w in before for w in _NOT_VISIT):
            found.append((parsed.match.start(),
                          f"{parsed.year:04d}-{parsed.month:02d}-{parsed.day:02d}"))
    return found


def document_date(doc: SummaryDocument) -> str:
    """The document's own date, else the first full date written in it, else ''."""
    if doc.date:
        return doc.date
    dates = _full_dates(doc.text[:2000])
    return dates[0][1] if dates else ""


def event_date(doc: SummaryDocument, offset: int) -> str:
    """When a fact at ``offset`` happened: a full date in its own sentence ("Appendectomy
    on 03/12/2015"), else the last one before it in its section (a dated entry in a history,
    a dated result table), else the document's date."""
    text = doc.text
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    s, e = next((span for span in sentence_spans(text, line_start,
                                                 len(text) if line_end < 0 else line_end)
                 if span[0] <= offset < span[1]), (offset, offset))
    in_sentence = _full_dates(text[s:e])
    if in_sentence:  # the one nearest to the fact
        return min(in_sentence, key=lambda d: abs(s + d[0] - offset))[1]
    sections = (doc.clinical or {}).get("sections", ())
    start = max((s["start"] for s in sections if s["start"] <= offset), default=0)
    dates = _full_dates(text[max(start, offset - _LOOKBACK):offset])
    return dates[-1][1] if dates else document_date(doc)


def timeline(docs: Sequence[SummaryDocument]) -> list[tuple[str, SummaryDocument]]:
    """Documents in date order (undated ones last, in the order given)."""
    dated = [(document_date(d), i, d) for i, d in enumerate(docs)]
    dated.sort(key=lambda t: (t[0] == "", t[0], t[1]))
    return [(date, doc) for date, _, doc in dated]
