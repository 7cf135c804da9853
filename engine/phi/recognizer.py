"""The recognizer contract: text in, detections out. Pattern recognizers are mostly data."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from engine.phi.cues import at_numbers, cues_of, finditer, fold, held_cues, present
from engine.phi.text_pieces import count
from engine.phi.types import Detection, PhiType


class Recognizer(Protocol):
    name: str

    def analyze(self, text: str) -> Iterator[Detection]: ...


@dataclass(frozen=True)
class Pattern:
    """One regex for one PHI type. ``group`` picks the part that is PHI (a label such as
    "MRN:" before it stays); ``validate`` rejects look-alikes (e.g. impossible SSNs).

    Three gates skip a text that no match can come from, so that a pattern with no cue word
    (cues.py) is not scanned over every text: ``digits``, the fewest digits an accepted
    match holds (a phone's ten); ``needs``, strings one of which every match holds in
    lower case ("@" of an e-mail); and ``gate``, a plainer regex that every match holds a
    match of. A gate starts with letters or a character class, which the regex engine skips
    to at C speed; a pattern starting with ``\\b`` or a lookbehind is tried at every
    character (an organisation's name before its suffix word: gated by the suffix words). A
    gated pattern is scanned whole (or at its leads) where its gate opens: its cue words, if
    it has any, stay out of the cue index (cues.py), which words found inside most words
    would crowd."""

    type: PhiType
    regex: re.Pattern[str]
    score: float
    group: int | str = 0
    validate: Callable[[str], bool] | None = None
    digits: int = 0
    needs: tuple[str, ...] = ()
    gate: re.Pattern[str] | None = None
    # Every match starts at a number's first digit or at one of these characters ("+(" of
    # a phone): tried only there. None: anywhere (or at the pattern's cue words).
    leads: str | None = None


def digit_count(text: str) -> int:
    """How many characters of the text ``\\d`` matches (Unicode decimal digits)."""
    if text.isascii():
        return count("0123456789", text)
    return sum(map(str.isdecimal, text))


class PatternRecognizer:
    def __init__(self, name: str, patterns: tuple[Pattern, ...]) -> None:
        self.name = name
        self.patterns = patterns
        self._counted = any(p.digits for p in patterns)
        self._cues = tuple(None if p.leads is not None or p.gate is not None else cues_of(p.regex)
                           for p in patterns)

    def analyze(self, text: str) -> Iterator[Detection]:
        folded = fold(text)
        digits = digit_count(text) if self._counted else 0
        held = held_cues(folded)
        for pattern, words in zip(self.patterns, self._cues, strict=True):
            # skipped: none of its cue words in the text, or a gate shut
            if (held is not None and words is not None and held.isdisjoint(words)) or (
                    pattern.digits > digits) or (
                    pattern.needs and not present(pattern.needs, folded)) or (
                    pattern.gate is not None and pattern.gate.search(text) is None):
                continue
            matches = (at_numbers(pattern.regex, text, pattern.leads) if pattern.leads is not None
                       else pattern.regex.finditer(text) if pattern.gate is not None
                       else finditer(pattern.regex, text, folded))
            for match in matches:
                start, end = match.span(pattern.group)
                if start < 0 or start == end:
                    continue
                if pattern.validate is not None and not pattern.validate(text[start:end]):
                    continue
                yield Detection(pattern.type, start, end, pattern.score, self.name)
