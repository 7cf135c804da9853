"""What runs after the recognizers, in the order the scrubber declares: Presidio's
analyze → context → de-duplicate → score-filter order is the model. Each enhancer takes the
text and every detection so far and returns the detections the next one sees."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from engine.phi.lexicons import Lexicons
from engine.phi.text_pieces import find_phrases, whole_word
from engine.phi.types import Detection, PhiType

# A name found by its context ("Mr. Okafor", "Dr Healey") rather than by the word alone.
STRONG = 0.9


class Enhancer(Protocol):
    name: str

    def enhance(self, text: str, found: list[Detection]) -> list[Detection]: ...


@dataclass(frozen=True)
class Extend:
    """Adds what a context rule finds beside the detections so far (the words beside a name,
    a place's prefix, an address block, a signature's organisation)."""

    name: str
    rule: Callable[[str, list[Detection]], Iterable[Detection]]

    def enhance(self, text: str, found: list[Detection]) -> list[Detection]:
        return found + list(self.rule(text, found))


@dataclass(frozen=True)
class Each:
    """Reshapes every detection alone (a name's span widened over its initial)."""

    name: str
    step: Callable[[str, Detection], Detection]

    def enhance(self, text: str, found: list[Detection]) -> list[Detection]:
        return [self.step(text, det) for det in found]


class StrongNames:
    """A name found in a strong context is a name wherever else it appears."""

    name = "names.propagated"

    def __init__(self, lex: Lexicons, weak: Callable[[str], bool]) -> None:
        self.lex = lex
        self.weak = weak  # may the word be ordinary English, clinical or institutional?

    def enhance(self, text: str, found: list[Detection]) -> list[Detection]:
        tokens: set[str] = set()
        for det in found:
            if det.type is PhiType.NAME and det.score >= STRONG:
                for word in re.findall(r"[A-Za-zÀ-ÿ'’\-]{3,}", text[det.start:det.end]):
                    plain = word.lower()
                    english = plain in self.lex.english_rank and not (
                        plain in self.lex.given_names or plain in self.lex.surnames)
                    if not self.weak(word) and not english:  # not "She" after "X."
                        tokens.add(word)
        if not tokens:
            return found
        return found + [Detection(PhiType.NAME, start, end, STRONG, self.name)
                        for start, end in find_phrases(text, tokens, whole_word)
                        if text[start].isupper()]
