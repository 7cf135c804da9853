"""Which model writes a summary's overview, and why another one than asked for: the user
sees the model actually used before the model writes, and why the configured one was
passed over (not installed, or it could not be loaded)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from engine.models.config import ModelsConfig
from engine.models.registry import is_installed

EXTRACTIVE = "extractive"
NOT_INSTALLED = "not installed"
NOT_LOADED = "could not be loaded"


@dataclass(frozen=True)
class Skipped:
    model: str
    reason: str  # NOT_INSTALLED | NOT_LOADED


@dataclass(frozen=True)
class ModelChoice:
    used: str  # EXTRACTIVE when no model writes
    skipped: tuple[Skipped, ...]  # the chain's models tried before it, in order

    @property
    def extractive(self) -> bool:
        return self.used == EXTRACTIVE

    def text(self) -> str:
        """One line for the window: which model, and why not the one before it."""
        passed = "; ".join(f"{s.model} is {s.reason}" for s in self.skipped)
        doing = ("building the summary from the extracted facts only" if self.extractive
                 else f"writing the overview with {self.used}")
        if passed:  # a model's name keeps its case, even first in the line
            return f"{passed}: {doing}."
        return f"{doing[0].upper()}{doing[1:]}…"

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.used, "skipped": [asdict(s) for s in self.skipped]}


def model_choice(config: ModelsConfig, model_dirs: Sequence[Path], task: str,
                 first: str | None, used: str) -> ModelChoice:
    """``used`` as leased through the chain starting at ``first``; each model before it
    was passed over, because its file is missing or (installed) it failed to load."""
    chain = config.chain(task, first)
    before = chain[:chain.index(used)] if used in chain else chain
    return ModelChoice(
        EXTRACTIVE if config.models[used].backend == "fallback" else used,
        tuple(Skipped(name, NOT_LOADED if is_installed(config.models[name], model_dirs)
                      else NOT_INSTALLED) for name in before))
