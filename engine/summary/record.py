"""A record's scrubbed documents and their extracted data, as a chronological timeline."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from engine.phi.dates import find_dates


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


def document_date(doc: SummaryDocument) -> str:
    """The document's own date, else the first full date written in it, else ''."""
    if doc.date:
        return doc.date
    for parsed in find_dates(doc.text[:2000]):
        before = doc.text[max(0, parsed.match.start() - 15):parsed.match.start()].lower()
        if parsed.year and parsed.day and not any(w in before for w in _NOT_VISIT):
            return f"{parsed.year:04d}-{parsed.month:02d}-{parsed.day:02d}"
    return ""


_NOT_VISIT = ("dob", "birth", "born")  # a birth date is no visit date


def timeline(docs: Sequence[SummaryDocument]) -> list[tuple[str, SummaryDocument]]:
    """Documents in date order (undated ones last, in the order given)."""
    dated = [(document_date(d), i, d) for i, d in enumerate(docs)]
    dated.sort(key=lambda t: (t[0] == "", t[0], t[1]))
    return [(date, doc) for date, _, doc in dated]
