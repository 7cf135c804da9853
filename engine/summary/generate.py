"""The model-written overview: token budget from the model's own tokenizer, a single pass
when the record fits, otherwise map-reduce over document-sized chunks."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from engine.errors import JobTimeout, TokenLimit
from engine.models.backends.base import GenerationSettings, LoadedModel
from engine.summary.record import SummaryDocument, SummaryOptions, timeline

PROMPTS = Path(__file__).resolve().parents[2] / "resources" / "prompts"
_MAX_DOC_CHARS = 6000  # a single document's share of a chunk; longer text is cut


def _prompt(name: str) -> str:
    return (PROMPTS / name).read_text("utf-8")


def _block(date: str, doc: SummaryDocument) -> str:
    return f"[{date or 'undated'}] {doc.title}\n{doc.text[:_MAX_DOC_CHARS].strip()}\n"


class Generator:
    def __init__(self, model: LoadedModel, options: SummaryOptions,
                 on_token: Callable[[str], None] | None,
                 checkpoint: Callable[[], None] | None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.model = model
        self.options = options = options.resolved({})  # no-op once resolved against a model
        self.on_token = on_token
        self.checkpoint = checkpoint or (lambda: None)
        self.deadline = clock() + options.timeout_s
        self.clock = clock
        self.system = _prompt("summary_system.txt")
        self.max_tokens = min(options.max_tokens, model.context_window // 4)

    def budget(self) -> int:
        """Tokens the record may use: context minus system prompt, template and output."""
        overhead = self.model.count_tokens(self.system + _prompt("summary_user.txt")) + 32
        return self.model.context_window - overhead - self.max_tokens

    def run(self, docs: Sequence[SummaryDocument]) -> str:
        blocks = [_block(date, doc) for date, doc in timeline(docs)]
        budget = self.budget()
        if budget <= 64:
            raise TokenLimit("the model's context is too small for a summary",
                             {"context": self.model.context_window})
        chunks = self._chunks(blocks, budget)
        if len(chunks) == 1:
            return self._complete(_prompt("summary_user.txt").format(record=chunks[0]))
        partials = [self._complete(_prompt("summary_user.txt").format(record=c)) for c in chunks]
        return self._complete(_prompt("combine_user.txt").format(
            record="\n\n".join(partials)))

    def _chunks(self, blocks: list[str], budget: int) -> list[str]:
        """Whole documents per chunk; a document larger than the budget is cut to fit."""
        chunks: list[str] = []
        current = ""
        for block in blocks:
            while self.model.count_tokens(block) > budget:
                block = block[: int(len(block) * 0.8)]
            if current and self.model.count_tokens(current + block) > budget:
                chunks.append(current)
                current = ""
            current += block + "\n"
        return [*chunks, current] if current else chunks

    def _complete(self, prompt: str) -> str:
        settings = GenerationSettings(max_tokens=self.max_tokens,
                                      temperature=self.options.temperature,
                                      top_p=self.options.top_p)
        pieces: list[str] = []
        for piece in self.model.generate(self.system, prompt, settings):
            self.checkpoint()
            if self.clock() > self.deadline:
                raise JobTimeout("the summary took longer than its time limit")
            pieces.append(piece)
            if self.on_token is not None:
                self.on_token(piece)
        return "".join(pieces).strip()
