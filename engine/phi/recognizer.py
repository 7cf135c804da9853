"""The recognizer contract: text in, detections out. Pattern recognizers are mostly data."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from engine.phi.cues import finditer, fold
from engine.phi.types import Detection, PhiType


class Recognizer(Protocol):
    name: str

    def analyze(self, text: str) -> Iterator[Detection]: ...


@dataclass(frozen=True)
class Pattern:
    """One regex for one PHI type. ``group`` picks the part that is PHI (a label such as
    "MRN:" before it stays); ``validate`` rejects look-alikes (e.g. impossible SSNs)."""

    type: PhiType
    regex: re.Pattern[str]
    score: float
    group: int | str = 0
    validate: Callable[[str], bool] | None = None


class PatternRecognizer:
    def __init__(self, name: str, patterns: tuple[Pattern, ...]) -> None:
        self.name = name
        self.patterns = patterns

    def analyze(self, text: str) -> Iterator[Detection]:
        folded = fold(text)
        for pattern in self.patterns:
            # nothing when the text holds none of the words the pattern starts with
            for match in finditer(pattern.regex, text, folded):
                start, end = match.span(pattern.group)
                if start < 0 or start == end:
                    continue
                if pattern.validate is not None and not pattern.validate(text[start:end]):
                    continue
                yield Detection(pattern.type, start, end, pattern.score, self.name)
