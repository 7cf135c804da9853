"""Patient summaries: sections and guideline checks from the record's fact table (always),
plus a model-written overview whose statements are each checked against the facts they
cite; only those that pass are shown."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from engine.errors import JobTimeout
from engine.models import ModelManager
from engine.protocol import SUMMARY_SECTIONS
from engine.summary.checks import evaluate
from engine.summary.choice import ModelChoice, model_choice
from engine.summary.extractive import SECTIONS, build_sections
from engine.summary.facts import GUIDELINES, build_facts
from engine.summary.overview import PROMPT_FILES, OverviewWriter, prompt
from engine.summary.record import SummaryDocument, SummaryOptions
from engine.summary.verify import Verdict, verify_all

__all__ = ["ModelChoice", "SummaryDocument", "SummaryOptions", "SummaryResult", "cache_key",
           "summarize"]
EXTRACTIVE = "extractive"


@dataclass(frozen=True)
class SummaryResult:
    model: str  # "extractive" when no model wrote any of it
    sections: dict[str, list[dict[str, Any]]]  # name -> items {"text", "citations", ...}
    narrative: str  # the model's statements that passed the check ("" without a model)
    # {"supported": statements shown, "unsupported": claims that failed, "dropped":
    #  statements left out, "statements": statements the model wrote, "outcome"}
    grounding: dict[str, Any]
    markdown: str
    facts: list[dict[str, Any]]  # the numbered fact table every part was built from
    footer: str  # what happened to the overview, in plain words
    choice: dict[str, Any]  # the model used and the ones passed over (ModelChoice.to_dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def cache_key(docs: Sequence[SummaryDocument], model: str, options: SummaryOptions) -> str:
    """sha256 over everything that shapes the result: each document (id, title, date, text,
    extracted data), the model, the settings, the prompts and the guideline files."""
    payload = json.dumps({
        "docs": [[d.document_id, d.title, d.date, d.text, d.clinical] for d in docs],
        "model": model, "options": asdict(options),
        "prompts": [prompt(name) for name in PROMPT_FILES],
        "guidelines": [p.read_text("utf-8") for p in sorted(GUIDELINES.glob("*.tsv"))],
    }, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def footer(model: str, grounding: dict[str, Any], choice: ModelChoice | None = None) -> str:
    """What happened to the overview, in plain words; first why the configured model was
    passed over, if it was."""
    passed = "".join(f"{s.model} is {s.reason}. " for s in (choice.skipped if choice else ()))
    return passed + _outcome(model, grounding)


def _outcome(model: str, grounding: dict[str, Any]) -> str:
    if model == EXTRACTIVE:
        return "Built from the extracted facts only."
    outcome = grounding.get("outcome")
    if outcome == "timeout":
        return (f"Overview by {model} did not finish within its time limit; none of its "
                "text is shown. The sections are built from the extracted facts.")
    if outcome == "unreadable":
        return (f"Overview by {model} was not in the form asked for; none of its text is "
                "shown. The sections are built from the extracted facts.")
    written, dropped = grounding.get("statements", 0), grounding.get("dropped", 0)
    return (f"Overview by {model}: {written} statement(s), each checked against the facts "
            f"it cites; {dropped} left out. The sections are built from the extracted facts.")


def render_markdown(sections: dict[str, list[dict[str, Any]]], note: str) -> str:
    lines = ["# Patient summary", ""]
    for name in SECTIONS:
        items = sections.get(name) or []
        if name in ("possible_problems", "stopped_medications", "checks") and not items:
            continue  # these say nothing when empty
        lines.append(f"## {SUMMARY_SECTIONS[name]}")
        lines += [_markdown_item(item) for item in items] or ["- none recorded"]
        lines.append("")
    return "\n".join([*lines, f"_{note}_", ""])


def _markdown_item(item: dict[str, Any]) -> str:
    flag = {"H": " **(high)**", "L": " **(low)**"}.get(item.get("abnormal") or "", "")
    text = item["text"]
    if flag:  # the extractive text already says "(high)"; bold it instead of repeating
        text = text.replace(" (high)", "").replace(" (low)", "")
    if item.get("source"):
        text += f" — based on: {'; '.join(item.get('uses') or ())}. Source: {item['source']}"
    return f"- {text}{flag}"


def _overview(verdicts: list[Verdict]) -> list[dict[str, Any]]:
    return [{"text": v.statement.text, "citations": v.citations, "facts": list(v.statement.facts),
             "generated": True} for v in verdicts if v.shown]


def summarize(docs: Sequence[SummaryDocument], manager: ModelManager | None,
              options: SummaryOptions | None = None, *,
              on_token: Callable[[str], None] | None = None,
              checkpoint: Callable[[], None] | None = None,
              on_model: Callable[[ModelChoice], None] | None = None) -> SummaryResult:
    """Sections and checks from the fact table always; with a model (leased through the
    task's fallback chain), its checked statements first in the overview section.
    ``on_model`` hears which model writes (or that none does) before any text."""
    options = options or SummaryOptions()
    table = build_facts(docs)
    sections = build_sections(docs, table)
    sections["checks"] = [c.to_item(table) for c in evaluate(table)]
    model_name = EXTRACTIVE
    grounding: dict[str, Any] = {"supported": 0, "unsupported": 0, "dropped": 0,
                                 "statements": 0, "outcome": "none"}
    shown: list[dict[str, Any]] = []
    choice = ModelChoice(EXTRACTIVE, ())
    report = on_model or (lambda _choice: None)
    if not (options.use_model and manager is not None):
        report(choice)
    else:
        with manager.lease("summary", options.model) as model:
            choice = model_choice(manager.config, manager.model_dirs, "summary",
                                  options.model, model.name)
            report(choice)
            spec = manager.config.models[model.name]
            if spec.backend != "fallback":
                model_name = model.name
                writer = OverviewWriter(model, options.resolved(spec.generation), on_token,
                                        checkpoint)
                try:
                    statements, offered = writer.run(table)
                except JobTimeout:
                    statements, grounding["outcome"] = None, "timeout"  # nothing kept
                else:
                    grounding["outcome"] = "checked" if statements is not None else "unreadable"
                if statements is not None:
                    verdicts = verify_all(statements, table, offered)
                    shown = _overview(verdicts)
                    grounding.update(
                        statements=len(verdicts), supported=len(shown),
                        dropped=len(verdicts) - len(shown),
                        unsupported=sum(len(v.reasons) for v in verdicts))
    sections["overview"][:0] = shown
    note = footer(model_name, grounding, choice)
    return SummaryResult(model_name, sections, "\n".join(s["text"] for s in shown), grounding,
                         render_markdown(sections, note), [_fact_dict(f) for f in table.facts],
                         note, choice.to_dict())


def _fact_dict(fact: Any) -> dict[str, Any]:
    return {**asdict(fact), "description": fact.describe()}
