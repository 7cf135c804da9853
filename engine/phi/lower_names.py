"""Names typed in lower case where the context or the line says "a name": "my name is borna
jerković", "call me višeslav", "mr. elliott", a list of given names ("silvana, adam and
caleb"), a signature line ("aksel kristensen"). A lower-case word is never a name by its
shape, so each rule needs such a context and name-list or unknown words."""

from __future__ import annotations

import re
from collections.abc import Iterator

from engine.phi.lexicons import COMMON_RANK, RARE_RANK, Lexicons, load
from engine.phi.names import FUNCTION_RANK, SENTENCE_START, SUBJECT_VERB, NameRecognizer
from engine.phi.types import Detection, PhiType

_W = r"[^\W\d_A-ZÀ-Þ][^\W\d_]*(?:['’\-][^\W\d_]+)?"  # a word starting in lower case
_INITIAL = r"[a-z]\.?"
_CUE = re.compile(
    r"\b(?i:(?:my|his|her|their|maiden|first|last|full|family)[ \t]+name[ \t]+(?:is|was)|"
    r"name[ \t]*:|call(?:s|ed)?[ \t]+me|mr\.?|mrs\.?|ms\.?|dr\.?|follow[ \t]+up[ \t]+with|"
    r"speak[ \t]+(?:to|with)|talk[ \t]+to|meet[ \t]+with)[ \t]+"
    rf"(?=(?P<n>{_W}(?:[ \t]+(?:{_INITIAL}[ \t]+)?{_W}){{0,2}}))")  # "mr. and mrs. jones"
_LIST = re.compile(rf"(?<![\w'’\-]){_W}(?:,[ \t]+{_W}){{2,}},?[ \t]+and[ \t]+{_W}(?![\w'’\-])")
_LINE = re.compile(
    rf"^[ \t>•*?\-]*(?P<g>{_W})[ \t]+(?P<i>{_INITIAL}[ \t]+)?(?P<f>{_W})[ \t]*$", re.M)
# Who speaks in a transcript ("mika: \"who are you?\""), who does what ("selma is from …").
_SPEAKER = re.compile(rf"^[ \t]*(?P<g>{_W})[ \t]*:[ \t]*[\"“]", re.M)
_SUBJECT = re.compile(rf"{SENTENCE_START}(?P<g>{_W})(?=[ \t]+{SUBJECT_VERB})", re.M)
_MEMBER = re.compile(_W)
_POSSESSOR = re.compile(rf"(?<![\w'’\-])(?P<g>{_W})(?=['’]s\b)")  # "i'm roberto's daughter"


class LowerCaseNames:
    name = "names.lower"

    def __init__(self, lexicons: Lexicons | None = None) -> None:
        self.lex = lexicons or load()
        self.names = NameRecognizer(self.lex)

    def _name_word(self, word: str) -> bool:
        """On a name list and no function word ("will", "may"), or known to no vocabulary."""
        plain = word.lower().replace("’", "'")
        if self.lex.named(plain):
            return (self.lex.english_rank.get(plain, FUNCTION_RANK) >= FUNCTION_RANK
                    and not self.names.is_weak(plain))
        return self.names.unfamiliar(plain)

    def _cued(self, text: str) -> Iterator[Detection]:
        for m in _CUE.finditer(text):
            end = None
            for word in re.finditer(r"\S+", m.group("n")):
                token = word.group(0)
                initial = end is not None and re.fullmatch(_INITIAL, token) is not None
                if not (initial or self._name_word(token.rstrip("."))):
                    break
                end = m.start("n") + word.end()
            if end is not None:
                yield Detection(PhiType.NAME, m.start("n"), end, 0.8, self.name)

    def _lists(self, text: str) -> Iterator[Detection]:
        for m in _LIST.finditer(text):
            members = [w for w in _MEMBER.finditer(m.group(0)) if w.group(0) != "and"]
            plains = [w.group(0).lower() for w in members]
            rare = sum(self.lex.english_rank.get(p, RARE_RANK) >= RARE_RANK for p in plains)
            given = sum(self.lex.given(p) for p in plains)
            # Given names all, but perhaps one that no list knows ("leonti, terrence, …").
            if rare >= 2 and given >= len(plains) - 1 and all(
                    self.lex.given(p) or self.names.unfamiliar(p) for p in plains):
                for w in members:
                    yield Detection(PhiType.NAME, m.start() + w.start(), m.start() + w.end(),
                                    0.7, self.name)

    def _lines(self, text: str) -> Iterator[Detection]:
        """A line that is only a given name and a surname, as under a letter."""
        for m in _LINE.finditer(text):
            given, family = m.group("g").lower(), m.group("f").lower()
            rank = self.lex.english_rank.get(given, COMMON_RANK)
            # A Census name on either side, or an initial between ("emidio p lombardo").
            if (self.lex.given(given) and rank >= COMMON_RANK and not self.names.is_weak(given)
                    and (family in self.lex.surnames or self.names.unfamiliar(family))
                    and (given in self.lex.given_names or family in self.lex.surnames
                         or m.group("i"))):
                yield Detection(PhiType.NAME, m.start("g"), m.end("f"), 0.7, self.name)

    def _roles(self, text: str) -> Iterator[Detection]:
        """A rare given name that speaks, opens a sentence before its verb, or owns."""
        for m in (*_SPEAKER.finditer(text), *_SUBJECT.finditer(text),
                  *_POSSESSOR.finditer(text)):
            plain = m.group("g").lower()
            if plain in self.lex.widely_given or (
                    plain in self.lex.given_names and not self.lex.known(plain)):
                yield Detection(PhiType.NAME, m.start("g"), m.end("g"), 0.7, self.name)

    def analyze(self, text: str) -> Iterator[Detection]:
        yield from self._cued(text)
        yield from self._lists(text)
        yield from self._lines(text)
        yield from self._roles(text)
