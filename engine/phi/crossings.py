"""Street crossings: "the corner of Elm Street and 5th Avenue", "the intersection of ul.
Cicha 86 and Leokadia Trail". What stands there is two streets, whatever they look like
(foreign, in lower case, without a street type); the words around them ("the corner of",
"and") identify nothing and stay."""

from __future__ import annotations

import re
from collections.abc import Iterator

from engine.phi.lexicons import Lexicons, load
from engine.phi.names import FUNCTION_RANK
from engine.phi.types import Detection, PhiType

_CUE = re.compile(r"\b(?:corner|intersection)[ \t]+of[ \t]+", re.I)
_TOKEN = re.compile(r"[^\s,;:?!()\"{}]+")
_AND = frozenset({"and", "&"})
_LINK = re.compile(r"[ \t.]+(?:and|&)[ \t]+")
MAX_TOKENS = 6  # per street


class CrossingRecognizer:
    name = "places.crossing"

    def __init__(self, lexicons: Lexicons | None = None) -> None:
        self.lex = lexicons or load()

    def _street_token(self, token: str) -> bool:
        """A house number, a capitalised or unknown word, a particle — not a clinical word
        ("the corner of the mouth and lips") nor a function word ("to", "the")."""
        plain = token.lower().strip(".")
        if not plain or plain in self.lex.clinical_words:
            return False
        if token[0].isdigit() or token[0].isupper():
            return True
        return self.lex.english_rank.get(plain, FUNCTION_RANK) >= FUNCTION_RANK or len(plain) <= 3

    def _street(self, text: str, pos: int, stop_at_and: bool) -> int | None:
        """Where a street name from ``pos`` ends (one line, at most MAX_TOKENS words)."""
        end, count = None, 0
        for m in _TOKEN.finditer(text, pos):
            if text[pos if end is None else end:m.start()].strip(" \t"):
                break  # punctuation or a line break between words
            word = m.group(0)
            if stop_at_and and word.lower() in _AND:
                break
            if count == MAX_TOKENS or not self._street_token(word):
                break
            end, count = m.end(), count + 1
        if end is not None and text[end - 1] == "." and not re.search(r"\b\w{1,3}\.$",
                                                                       text[pos:end]):
            end -= 1  # a full stop after "Street." ends the sentence; "St." keeps it
        return end

    def analyze(self, text: str) -> Iterator[Detection]:
        for cue in _CUE.finditer(text):
            first = self._street(text, cue.end(), stop_at_and=True)
            link = _LINK.match(text, first) if first is not None else None
            if link is None:
                continue
            second = self._street(text, link.end(), stop_at_and=False)
            if second is not None:
                yield Detection(PhiType.LOCATION, cue.end(), first, 0.9, self.name)
                yield Detection(PhiType.LOCATION, link.end(), second, 0.9, self.name)
