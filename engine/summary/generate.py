"""The model-written overview: token budget from the model's own tokenizer, a single pass
when the record fits, otherwise map-reduce: chunks cut at document boundaries (a document
too long for one chunk is cut at paragraphs, then lines, then sentences), one overview per
chunk, then combining passes until one overview is left."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from engine.errors import JobTimeout, TokenLimit
from engine.models.backends.base import GenerationSettings, LoadedModel
from engine.summary.record import SummaryDocument, SummaryOptions, timeline

PROMPTS = Path(__file__).resolve().parents[2] / "resources" / "prompts"
PROMPT_FILES = ("summary_system.txt", "summary_user.txt", "combine_user.txt")
_CHAT_TEMPLATE_TOKENS = 32  # role markers the chat template adds around the messages
_SEPARATORS = ("\n\n", "\n", ". ", " ")  # where an over-long document may be cut, in order


def prompt(name: str) -> str:
    return (PROMPTS / name).read_text("utf-8")


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
        self.system = prompt("summary_system.txt")
        self.user = prompt("summary_user.txt")
        self.combine = prompt("combine_user.txt")
        # The output share is clamped so that a record always has room in the context.
        self.max_tokens = min(options.max_tokens, model.context_window // 4)

    def budget(self) -> int:
        """Tokens the record may use: context minus system prompt, template and output."""
        template = max(self.model.count_tokens(t) for t in (self.user, self.combine))
        overhead = self.model.count_tokens(self.system) + template + _CHAT_TEMPLATE_TOKENS
        return self.model.context_window - overhead - self.max_tokens

    def run(self, docs: Sequence[SummaryDocument]) -> str:
        budget = self.budget()
        if budget <= 2 * self.max_tokens:  # a combining pass must fit two overviews
            raise TokenLimit("the model's context is too small for a summary",
                             {"context": self.model.context_window})
        blocks = [piece for date, doc in timeline(docs)
                  for piece in self.split(f"[{date or 'undated'}] {doc.title}",
                                          doc.text.strip(), budget)]
        chunks = self.pack(blocks, budget)
        partials = [self._complete(self.user.format(record=c)) for c in chunks]
        while len(partials) > 1:
            groups = self.pack(partials, budget)
            if len(groups) == len(partials):
                raise TokenLimit("partial overviews do not fit the model's context together",
                                 {"context": self.model.context_window})
            partials = [self._complete(self.combine.format(record=g)) for g in groups]
        return partials[0]

    def split(self, header: str, text: str, budget: int) -> list[str]:
        """A document as one block, or as parts each under the budget with its header."""
        whole = f"{header}\n{text}\n"
        if self.model.count_tokens(whole) <= budget:
            return [whole]
        limit = budget - self.model.count_tokens(header) - 8
        parts = self.pack(self._units(text, limit, 0), limit)
        return [f"{header} (part {i} of {len(parts)})\n{p}" for i, p in enumerate(parts, 1)]

    def _units(self, text: str, limit: int, level: int) -> list[str]:
        if self.model.count_tokens(text) <= limit:
            return [text]
        if level == len(_SEPARATORS):  # one unbroken run longer than the budget: cut it
            cut = max(1, len(text) * limit // (2 * self.model.count_tokens(text)))
            return [u for i in range(0, len(text), cut)
                    for u in self._units(text[i:i + cut], limit, level)]
        sep = _SEPARATORS[level]
        pieces = text.split(sep)
        pieces = [p + sep for p in pieces[:-1]] + pieces[-1:]
        return [u for p in pieces if p for u in self._units(p, limit, level + 1)]

    def pack(self, units: list[str], budget: int) -> list[str]:
        """Consecutive units joined while they fit; a join may cost a token, so count one."""
        chunks: list[str] = []
        current: list[str] = []
        used = 0
        for unit in units:
            cost = self.model.count_tokens(unit) + 1
            if current and used + cost > budget:
                chunks.append("\n".join(current))
                current, used = [], 0
            current.append(unit)
            used += cost
        return [*chunks, "\n".join(current)] if current else chunks

    def _complete(self, user_prompt: str) -> str:
        settings = GenerationSettings(max_tokens=self.max_tokens,
                                      temperature=self.options.temperature,
                                      top_p=self.options.top_p)
        pieces: list[str] = []
        stream = self.model.generate(self.system, user_prompt, settings)
        try:
            for piece in stream:
                self.checkpoint()
                if self.clock() > self.deadline:
                    raise JobTimeout("the summary took longer than its time limit")
                pieces.append(piece)
                if self.on_token is not None:
                    self.on_token(piece)
        finally:
            # Closing the stream on cancel or timeout stops the backend's generation at once.
            close = getattr(stream, "close", None)
            if close is not None:
                close()
        return "".join(pieces).strip()
