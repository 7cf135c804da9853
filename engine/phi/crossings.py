"""Street crossings: "the corner of Elm Street and 5th Avenue", "the intersection of ul.
Cicha 86 and Leokadia Trail". What stands there is two streets, whatever they look like
(foreign, in lower case, without a street type). Together they name one spot, as an
address does, so the whole phrase from "the corner of" to the second street is one place."""

from __future__ import annotations

import re
from collections.abc import Iterator

from engine.phi.cues import finditer, fold
from engine.phi.lexicons import Lexicons, load
from engine.phi.names import FUNCTION_RANK
from engine.phi.places import STREET_TYPE
from engine.phi.types import Detection, PhiType

_CUE = re.compile(r"\b(?:the[ \t]+)?(?:corner|intersection)[ \t]+of[ \t]+", re.I)
_TOKEN = re.compile(r"[^\s,;:?!()\"{}]+")
_AND = frozenset({"and", "&"})
_LINK = re.compile(r"[ \t.]+(?:and|&)[ \t]+")
_SENTENCE_END = re.compile(r"(?<!\b\w)(?<!\b\w\w)(?<!\b\w\w\w)\.$")  # "Avenue." — not "St."
MAX_TOKENS = 6  # per street


class CrossingRecognizer:
    name = "places.crossing"

    def __init__(self, lexicons: Lexicons | None = None) -> None:
        self.lex = lexicons or load()

    def _street_token(self, token: str, first: bool) -> bool:
        """A house number, a capitalised or unknown word, a particle — not a clinical word
        ("the corner of the mouth and lips") unless a street type after the name ("Philip
        Bypass"), nor a function word ("to", "the")."""
        plain = token.lower().strip(".")
        if token[:1].isdigit():
            return True
        if not plain or (plain in self.lex.clinical_words and (
                first or not STREET_TYPE.fullmatch(token))):
            return False
        if token[0].isupper():
            return True
        return self.lex.english_rank.get(plain, FUNCTION_RANK) >= FUNCTION_RANK or len(plain) <= 3

    def _street(self, text: str, pos: int, stop_at_and: bool) -> int | None:
        """Where a street name from ``pos`` ends (one line, at most MAX_TOKENS words, one of
        them a name: capitalised or long, not "4 cm")."""
        end, count, named = None, 0, False
        for m in _TOKEN.finditer(text, pos):
            if text[pos if end is None else end:m.start()].strip(" \t"):
                break  # punctuation or a line break between words
            word = m.group(0)
            if stop_at_and and word.lower() in _AND:
                break
            if count == MAX_TOKENS or not self._street_token(word, first=end is None):
                break
            end, count = m.end(), count + 1
            named = named or word[0].isupper() or (len(word) >= 4 and not word[0].isdigit())
            if _SENTENCE_END.search(word):
                break  # "… and 5th Avenue. She works": the street ends with its sentence
        if not named:
            return None
        if end is not None and text[end - 1] == "." and not re.search(r"\b\w{1,3}\.$",
                                                                       text[pos:end]):
            end -= 1  # a full stop after "Street." ends the sentence; "St." keeps it
        return end

    def analyze(self, text: str) -> Iterator[Detection]:
        for cue in finditer(_CUE, text, fold(text)):  # tried where its words stand
            first = self._street(text, cue.end(), stop_at_and=True)
            link = _LINK.match(text, first) if first is not None else None
            if link is None:
                continue
            second = self._street(text, link.end(), stop_at_and=False)
            if second is not None:
                yield Detection(PhiType.LOCATION, cue.start(), second, 0.9, self.name)
