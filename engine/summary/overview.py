"""The model-written overview: the model reads the record's numbered fact table (never the
raw text) and answers in JSON constrained by a schema (llama.cpp turns it into a grammar):
at most ``MAX_STATEMENTS`` statements, each ``{"text", "facts": [ids]}``. A fact table is
short, so one pass fits any context; the least needed facts (vital signs, then results in
range, then procedures) are left out of the prompt first when a record's table does not."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.errors import HntaiError, JobTimeout, TokenLimit
from engine.models.backends.base import GenerationSettings, LoadedModel
from engine.summary.facts import Fact, FactTable
from engine.summary.record import SummaryOptions

PROMPTS = Path(__file__).resolve().parents[2] / "resources" / "prompts"
PROMPT_FILES = ("overview_system.txt", "overview_user.txt")
MAX_STATEMENTS = 5
_MIN_STATEMENTS = 3  # a small model stops after one statement unless held to more
_STATEMENT_CHARS = 240
_CHAT_TEMPLATE_TOKENS = 32  # role markers the chat template adds around the messages
_PACE_AFTER = 8  # pieces written before the pace is measured
_LABELS = {
    ("problem", "active"): "active problem", ("problem", "possible"): "possible problem",
    ("problem", "resolved"): "resolved problem", ("medication", "current"): "medication",
    ("medication", "new"): "new medication", ("medication", "changed"): "medication",
    ("medication", "stopped"): "stopped medication", ("allergy", "recorded"): "allergy",
    ("allergy", "possible"): "possible allergy",
    ("lab", "recorded"): "result", ("vital", "recorded"): "vital sign",
    ("procedure", "recorded"): "procedure", ("plan", "recorded"): "plan",
    ("age", "recorded"): "age",
}


def prompt(name: str) -> str:
    return (PROMPTS / name).read_text("utf-8")


def offered(table: FactTable) -> list[Fact]:
    """The facts the model may write about (what the sections show), the age last: put
    first, small models write about nothing else."""
    facts = [f for f in table.facts if (f.kind, f.status) in _LABELS]
    return sorted(facts, key=lambda f: f.kind == "age")


def fact_line(number: int, fact: Fact) -> str:
    """A fact as the model reads it, under the number it cites it by: the prompt numbers
    its facts 1, 2, 3 … (small models cite by position), mapped back to the table's ids."""
    when = f" ({fact.date})" if fact.date and fact.kind in ("lab", "procedure") else ""
    return f"[{number}] {_LABELS[(fact.kind, fact.status)]}: {fact.describe()}{when}"


def _spare(fact: Fact) -> int:
    """Which facts leave the prompt first when it is too long (higher goes first)."""
    if fact.kind == "vital":
        return 3
    if fact.kind == "lab" and not fact.attributes.get("abnormal"):
        return 2
    return 1 if fact.kind == "procedure" else 0


def schema(ids: Sequence[int], limit: int = MAX_STATEMENTS) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"statements": {
            "type": "array", "minItems": min(_MIN_STATEMENTS, limit), "maxItems": limit,
            "items": {"type": "object", "properties": {
                "text": {"type": "string", "minLength": 8, "maxLength": _STATEMENT_CHARS},
                "facts": {"type": "array", "minItems": 1, "maxItems": 6,
                          "items": {"type": "integer", "enum": list(ids)}},
            }, "required": ["text", "facts"]},
        }},
        "required": ["statements"],
    }


@dataclass(frozen=True)
class Statement:
    text: str
    facts: tuple[int, ...]


def parse(answer: str) -> list[Statement] | None:
    """The statements of a JSON answer; None when it is not the JSON asked for."""
    try:
        data = json.loads(answer, strict=False)  # the grammar lets a line break into a string
        items = data["statements"]
        return [Statement(" ".join(str(i["text"]).split()),
                          tuple(int(x) for x in i.get("facts") or ())) for i in items]
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


class TextStream:
    """Passes on only the statements' words as the JSON arrives, one statement a line."""

    _TEXT = re.compile(r'"text"\s*:\s*"((?:[^"\\]|\\.)*)')

    def __init__(self, sink: Callable[[str], None] | None) -> None:
        self.sink = sink
        self.buffer = ""
        self.sent = ""

    def __call__(self, piece: str) -> None:
        self.buffer += piece
        if self.sink is None:
            return
        shown = "\n".join(m.group(1) for m in self._TEXT.finditer(self.buffer))
        if shown.startswith(self.sent) and len(shown) > len(self.sent):
            self.sink(shown[len(self.sent):])
            self.sent = shown


class OverviewWriter:
    def __init__(self, model: LoadedModel, options: SummaryOptions,
                 on_token: Callable[[str], None] | None,
                 checkpoint: Callable[[], None] | None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.model = model
        self.options = options = options.resolved({})  # no-op once resolved against a model
        self.on_token = on_token
        self.checkpoint = checkpoint or (lambda: None)
        self.stoppable = checkpoint is not None
        self.deadline = clock() + options.timeout_s
        self.clock = clock
        self.system = prompt("overview_system.txt")
        self.user = prompt("overview_user.txt")
        # The output share is clamped so that a fact table always has room in the context.
        self.max_tokens = min(options.max_tokens, model.context_window // 3)
        self.pieces = 0  # pieces (tokens) the model wrote in the last run

    def facts_prompt(self, table: FactTable) -> tuple[str, list[int]]:
        """The user prompt with as many facts as fit, and the table ids of the facts it
        numbers 1, 2, 3 …"""
        facts = offered(table)
        overhead = (self.model.count_tokens(self.system) + self.model.count_tokens(self.user)
                    + _CHAT_TEMPLATE_TOKENS + self.max_tokens)
        budget = self.model.context_window - overhead
        # a line's cost with a two-digit number, whatever number it gets
        cost = {f.id: self.model.count_tokens(fact_line(99, f)) + 1 for f in facts}
        keep = {f.id for f in facts}
        for fact in sorted(facts, key=lambda f: (-_spare(f), -f.id)):
            if sum(cost[i] for i in keep) <= budget:
                break
            keep.discard(fact.id)
        if not keep or sum(cost[i] for i in keep) > budget:
            raise TokenLimit("the model's context is too small for the record's facts",
                             {"context": self.model.context_window})
        kept = [f for f in facts if f.id in keep]
        lines = "\n".join(fact_line(n, f) for n, f in enumerate(kept, 1))
        return self.user.format(facts=lines, limit=MAX_STATEMENTS), [f.id for f in kept]

    def _scale_limit(self, start: float, now: float) -> None:
        """The time limit follows the model's measured pace: room for a whole answer at
        that pace (a quarter more), never under the configured limit nor over twice it, so
        that a loaded machine does not cut off every answer (then none would be shown)."""
        limit = self.options.timeout_s
        needed = 1.25 * (now - start) / self.pieces * self.max_tokens
        self.deadline = start + min(2 * limit, max(limit, needed))

    def _stopping(self) -> bool:
        """For the backend, inside a step: would the job's next checkpoint stop it?"""
        try:
            self.checkpoint()
        except HntaiError:
            return True
        return False

    def run(self, table: FactTable) -> tuple[list[Statement] | None, list[int]]:
        """The model's statements (unchecked; None when its answer is not the JSON asked
        for) and the fact ids it was offered. Raises JobTimeout past the time limit,
        Cancelled from the checkpoint."""
        user, ids = self.facts_prompt(table)
        settings = GenerationSettings(max_tokens=self.max_tokens,
                                      temperature=self.options.temperature,
                                      top_p=self.options.top_p,
                                      json_schema=schema(range(1, len(ids) + 1)),
                                      should_stop=self._stopping if self.stoppable else None)
        start = self.clock()
        stream = self.model.generate(self.system, user, settings)
        text = TextStream(self.on_token)
        try:
            for piece in stream:
                self.checkpoint()
                now = self.clock()
                self.pieces += 1
                if self.pieces == _PACE_AFTER:
                    self._scale_limit(start, now)
                if now > self.deadline:
                    raise JobTimeout("the summary took longer than its time limit")
                text(piece)
        finally:
            # Closing the stream on cancel or timeout stops the backend's generation at once.
            close = getattr(stream, "close", None)
            if close is not None:
                close()
        self.checkpoint()  # a stop inside the prompt ends the stream early: say why
        statements = parse(text.buffer)
        if statements is None:
            return None, ids
        return [Statement(s.text, tuple(ids[n - 1] for n in s.facts if 0 < n <= len(ids)))
                for s in statements], ids
