"""Patient summaries: sections from the extracted facts (always), plus a model-written
overview whose sentences must pass the grounding check."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from engine.models import ModelManager
from engine.protocol import SUMMARY_SECTIONS
from engine.summary.extractive import SECTIONS, build_sections
from engine.summary.generate import PROMPT_FILES, Generator, prompt
from engine.summary.grounding import ground
from engine.summary.record import SummaryDocument, SummaryOptions

__all__ = ["SummaryDocument", "SummaryOptions", "SummaryResult", "cache_key", "summarize"]
EXTRACTIVE = "extractive"


@dataclass(frozen=True)
class SummaryResult:
    model: str  # "extractive" when no model wrote any of it
    sections: dict[str, list[dict[str, Any]]]  # name -> items {"text", "citations", ...}
    narrative: str  # the model's overview after grounding ("" without a model)
    grounding: dict[str, int]  # {"supported", "unsupported", "dropped"}
    markdown: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def cache_key(docs: Sequence[SummaryDocument], model: str, options: SummaryOptions) -> str:
    """sha256 over everything that shapes the result: each document (id, title, date, text,
    extracted data), the model, the settings and the prompts."""
    payload = json.dumps({
        "docs": [[d.document_id, d.title, d.date, d.text, d.clinical] for d in docs],
        "model": model, "options": asdict(options),
        "prompts": [prompt(name) for name in PROMPT_FILES],
    }, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def render_markdown(sections: dict[str, list[dict[str, Any]]], model: str,
                    grounding: dict[str, int]) -> str:
    lines = ["# Patient summary", ""]
    for name in SECTIONS:
        lines.append(f"## {SUMMARY_SECTIONS[name]}")
        items = sections.get(name) or []
        lines += [_markdown_item(item) for item in items] or ["- none recorded"]
        lines.append("")
    source = ("Built from the extracted data only." if model == EXTRACTIVE else
              f"Overview written by {model}, checked against the record")
    if model != EXTRACTIVE:
        dropped = grounding.get("dropped", 0)
        source += (f"; {dropped} statement(s) not supported by the record were left out."
                   if dropped else "; every statement is supported by the record.")
    return "\n".join([*lines, f"_{source}_", ""])


def _markdown_item(item: dict[str, Any]) -> str:
    flag = {"H": " **(high)**", "L": " **(low)**"}.get(item.get("abnormal") or "", "")
    text = item["text"]
    if flag:  # the extractive text already says "(high)"; bold it instead of repeating
        text = text.replace(" (high)", "").replace(" (low)", "")
    return f"- {text}{flag}"


def summarize(docs: Sequence[SummaryDocument], manager: ModelManager | None,
              options: SummaryOptions | None = None, *,
              on_token: Callable[[str], None] | None = None,
              checkpoint: Callable[[], None] | None = None) -> SummaryResult:
    """Sections from the extracted data always; with a model (leased through the task's
    fallback chain), a grounded overview first in the overview section."""
    options = options or SummaryOptions()
    sections = build_sections(docs)
    narrative, model_name = "", EXTRACTIVE
    grounding = {"supported": 0, "unsupported": 0, "dropped": 0}
    if options.use_model and manager is not None:
        with manager.lease("summary", options.model) as model:
            spec = manager.config.models[model.name]
            if spec.backend != "fallback":
                model_name = model.name
                draft = Generator(model, options.resolved(spec.generation), on_token,
                                  checkpoint).run(docs)
                narrative, report = ground(draft, docs)
                grounding = report.to_dict()
                sections["overview"][:0] = [
                    {"text": s.text, "citations": [dict(c) for c in s.citations],
                     "generated": True} for s in report.sentences]
    return SummaryResult(model_name, sections, narrative, grounding,
                         render_markdown(sections, model_name, grounding))
