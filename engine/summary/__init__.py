"""Patient summaries: sections from the extracted facts (always), plus a model-written
overview that must pass the grounding check."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from engine.models import ModelManager
from engine.summary.extractive import SECTIONS, build_sections
from engine.summary.generate import Generator
from engine.summary.grounding import ground
from engine.summary.record import SummaryDocument, SummaryOptions

__all__ = ["SummaryDocument", "SummaryOptions", "SummaryResult", "cache_key", "summarize"]
_TITLES = {"overview": "Overview", "active_problems": "Active problems",
           "medications": "Medications", "allergies": "Allergies",
           "labs_vitals": "Key labs and vitals", "procedures": "Procedures",
           "timeline": "Timeline", "plan": "Plan and follow-up"}


@dataclass(frozen=True)
class SummaryResult:
    model: str
    sections: dict[str, list[dict[str, Any]]]
    narrative: str
    grounding: dict[str, int]
    markdown: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def cache_key(docs: Sequence[SummaryDocument], model: str, options: SummaryOptions) -> str:
    payload = json.dumps({"docs": [(d.document_id, hashlib.sha256(d.text.encode()).hexdigest())
                                   for d in docs], "model": model, "options": asdict(options)},
                         sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def render_markdown(sections: dict[str, list[dict[str, Any]]], narrative: str) -> str:
    lines = ["# Patient summary", ""]
    for name in SECTIONS:
        lines.append(f"## {_TITLES[name]}")
        if name == "overview" and narrative:
            lines.append(narrative)
        items = sections.get(name) or []
        lines += [f"- {item['text']}" for item in items] or ["- none recorded"]
        lines.append("")
    return "\n".join(lines)


def summarize(docs: Sequence[SummaryDocument], manager: ModelManager | None,
              options: SummaryOptions | None = None, *,
              on_token: Callable[[str], None] | None = None,
              checkpoint: Callable[[], None] | None = None) -> SummaryResult:
    options = options or SummaryOptions()
    sections = build_sections(docs)
    narrative, model_name, grounding = "", "extractive", {"supported": 0, "unsupported": 0,
                                                          "dropped_sentences": 0}
    if options.use_model and manager is not None:
        with manager.lease("summary", options.model) as model:
            model_name = model.name
            spec = manager.config.models[model.name]
            if spec.backend != "fallback":
                draft = Generator(model, options.resolved(spec.generation), on_token,
                                  checkpoint).run(docs)
                narrative, report = ground(draft, docs)
                grounding = report.to_dict()
                sections["overview"].extend(
                    {"text": f"cites {c['term']}", "citations": [c]} for c in report.citations
                )
    return SummaryResult(model_name, sections, narrative, grounding,
                         render_markdown(sections, narrative))
