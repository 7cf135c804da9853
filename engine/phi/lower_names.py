"""Names typed in lower case where the context or the line says "a name": "my name is borna
jerković", "call me višeslav", "mr. elliott", a list of given names ("silvana, adam and
caleb"), a signature line ("aksel kristensen"). A lower-case word is never a name by its
shape, so each rule needs such a context and name-list or unknown words.

In a text typed all in lower case (a transcript: "[doctor] hi , brian . how are you ?") more
shapes count: whom the speaker addresses, kin beside their kinship ("my kid oskar"), whoever
is given something of theirs ("given cormac his address"), a name with an initial ("eric g.
samoylova"); and a name so found stands for the same word elsewhere in the text."""

from __future__ import annotations

import re
from collections.abc import Iterator

from engine.phi.cues import finditer, fold
from engine.phi.lexicons import COMMON_RANK, RARE_RANK, Lexicons, load
from engine.phi.names import (
    ADDRESS_OPENERS,
    FUNCTION_RANK,
    GIVEN_TO,
    GREETING,
    OWNER_AFTER,
    SENTENCE_START,
    SUBJECT_VERB,
    vocative_shape,
)
from engine.phi.text_pieces import CAPITALS, NON_SPACE, count, folded_word
from engine.phi.types import Detection, PhiType
from engine.phi.words import ROLE_WORDS, WordJudge, judge

_W = r"[^\W\d_A-ZÀ-Þ][^\W\d_]*(?:['’\-][^\W\d_]+)?"  # a word starting in lower case
_INITIAL = r"[a-z]\.?"
_CUE = re.compile(
    r"\b(?i:(?:my|his|her|their|maiden|first|last|full|family)[ \t]+name[ \t]+(?:is|was)|"
    r"name[ \t]*:|call(?:s|ed)?[ \t]+me|follow[ \t]+up[ \t]+with|"
    r"speak[ \t]+(?:to|with)|talk[ \t]+to|meet[ \t]+with)[ \t]+"
    rf"(?=(?P<n>{_W}(?:[ \t]+(?:{_INITIAL}[ \t]+)?{_W}){{0,2}}))")  # "mr. and mrs. jones"
_NAME_AHEAD = rf"(?=(?P<n>{_W}(?:[ \t]+(?:{_INITIAL}[ \t]+)?{_W}){{0,2}}))"
_GIVEN_TO = re.compile(rf"{GIVEN_TO}(?P<n>{_W})(?={OWNER_AFTER})")  # "given cormac his address"
# Spoken to: "hi , brian .", "so , brian , it's been a while", "kayla , can you sit up ?"
_VOCATIVE = re.compile(
    rf"(?P<g>\b{GREETING}\b[ \t]*,?[ \t]*|,[ \t]*)(?P<end>{_W})"
    rf"(?=[ \t]*(?P<p>[?!]|[.,](?:\s|$)))"
    rf"|(?:^|(?<=[.!?:\]]))[ \t]*(?P<start>{_W})[ \t]*,[ \t]*(?={ADDRESS_OPENERS})", re.M)
# A given name, an initial and a surname anywhere: "eric g. samoylova's tales".
_INITIALLED = re.compile(
    rf"(?<![\w@./\-])(?P<g>{_W})[ \t](?:[b-hj-z]|[a-z]\.)[ \t](?P<f>{_W})(?![\w@/\-])")
# Two people by initial and surname joined, as staff sign together: "(k. hadley and m.
# porter) verified", in any case of text.
_INITIAL_PAIR = re.compile(
    rf"(?<![\w.'’])[a-z]\.[ \t]?(?P<f>{_W})[ \t]+(?:and|&)[ \t]+(?P<i2>[a-z]\.)[ \t]?(?P<f2>{_W})"
    r"(?![\w'’\-])")
_LIST = re.compile(rf"(?<![\w'’\-]){_W}(?:,[ \t]+{_W}){{2,}},?[ \t]+and[ \t]+{_W}(?![\w'’\-])")
_LINE = re.compile(
    rf"^[ \t>•*?\-]*(?P<g>{_W})[ \t]+(?P<i>{_INITIAL}[ \t]+)?(?P<f>{_W})[ \t]*$", re.M)
# A given name and a surname mid-sentence, in lower case ("made with lucia marchetti").
_PAIR = re.compile(r"(?<![\w'’\-.])(?P<g>[a-z]{3,})(?=[ \t]+(?P<f>[a-z]{3,})(?![\w'’\-]))")
# Who speaks in a transcript ("mika: \"who are you?\""), who does what ("selma is from …").
_SPEAKER = re.compile(rf"^[ \t]*(?P<g>{_W})[ \t]*:[ \t]*[\"“]", re.M)
_SUBJECT = re.compile(rf"{SENTENCE_START}(?P<g>{_W})(?=[ \t]+{SUBJECT_VERB})", re.M)
_MEMBER = re.compile(_W)
_POSSESSOR = re.compile(rf"(?<![\w'’\-])(?P<g>{_W})(?=['’]s\b)")  # "i'm roberto's daughter"


def _lower_cased(text: str) -> bool:
    """A text typed in lower case: under one letter in a hundred a capital."""
    return count(CAPITALS, text) * 100 < len(text)


class LowerCaseNames:
    name = "names.lower"

    def __init__(self, lexicons: Lexicons | None = None, words: WordJudge | None = None
                 ) -> None:
        self.lex = lexicons or load()
        self.words = words or judge(self.lex)

    def _name_word(self, word: str) -> bool:
        """On a name list and no function word ("will", "may"), or known to no vocabulary."""
        plain = folded_word(word)
        if plain.removesuffix("'s") in self.lex.shorthand or plain in ROLE_WORDS:
            return False  # "mae", "pvc's", "neo", "surgeon": the words of a nursing note
        if self.lex.named(plain):
            return (self.lex.english_rank.get(plain, FUNCTION_RANK) >= FUNCTION_RANK
                    and not self.words.is_weak(plain))
        return self.words.unfamiliar(plain)

    def _cued(self, text: str) -> Iterator[Detection]:
        """The words after a cue ("my name is", "call me") that may be a name. Titles and
        kinship are rows of engine.phi.name_rules, for every word shape."""
        for m in finditer(_CUE, text, fold(text)):
            end = None
            for word in NON_SPACE.finditer(m.group("n")):
                token = word.group(0)
                initial = end is not None and token not in ("a", "i") and re.fullmatch(
                    _INITIAL, token) is not None  # "my son sean i think"
                if not (initial or self._name_word(token.rstrip("."))):
                    break
                end = m.start("n") + word.end()
            if end is not None:
                yield Detection(PhiType.NAME, m.start("n"), end, 0.8, self.name)

    def _given_to(self, text: str) -> Iterator[Detection]:
        for m in finditer(_GIVEN_TO, text, fold(text)):
            if self._name_word(m.group("n")):
                yield Detection(PhiType.NAME, m.start("n"), m.end("n"), 0.8, self.name)

    def _vocatives(self, text: str) -> Iterator[Detection]:
        """A given name spoken to (WordJudge.spoken_to); one set off by commas alone
        must also be no everyday word ("…, brian ." but not "…, grace .")."""
        for m in _VOCATIVE.finditer(text):
            group = "start" if m.group("start") else "end"
            word = m.group(group)
            after_comma, stop = vocative_shape(m)
            if not (self._name_word(word) and self.words.spoken_to(word, after_comma, stop)):
                continue
            plain = folded_word(word).removesuffix("'s")
            if plain not in self.lex.given_names and plain not in self.lex.widely_given:
                continue  # "gerd", "yup": a word of one language that is a name in another
            if after_comma and stop in ".," and not self._distinct(plain):
                continue
            yield Detection(PhiType.NAME, m.start(group), m.end(group), 0.75, self.name)

    def _initialled(self, text: str) -> Iterator[Detection]:
        """A given name, an initial and a surname, one of them on a name list and the other
        on a list or unknown ("eric g. samoylova", "codey m ross"); no everyday word."""
        lex = self.lex
        for m in _INITIALLED.finditer(text):
            given = m.group("g").lower()
            family = folded_word(m.group("f")).removesuffix("'s")
            listed_given = lex.given(given) and lex.english_rank.get(
                given, RARE_RANK) >= COMMON_RANK and not self.words.is_weak(given)
            listed_family = family in lex.surnames and lex.english_rank.get(
                family, RARE_RANK) >= COMMON_RANK and family not in lex.clinical_words
            if (listed_given or listed_family) and (
                    listed_given or self.words.unfamiliar(given)) and (
                    listed_family or self.words.unfamiliar(family)):
                yield Detection(PhiType.NAME, m.start("g"), m.end("f"), 0.75, self.name)

    def _initial_pairs(self, text: str) -> Iterator[Detection]:
        """Both surnames on a name list (no everyday word) or known to no vocabulary."""
        for m in _INITIAL_PAIR.finditer(text) if "." in text else ():
            # the lists write "o'brien" as "obrien"
            surnames = [folded_word(m.group(g)).removesuffix("'s").replace("'", "")
                        for g in ("f", "f2")]
            if all(self._distinct(w) for w in surnames):
                yield Detection(PhiType.NAME, m.start(), m.end("f"), 0.8, self.name)
                yield Detection(PhiType.NAME, m.start("i2"), m.end("f2"), 0.8, self.name)

    def _echoes(self, text: str, found: list[Detection]) -> Iterator[Detection]:
        """A lower-case name found once is that name wherever else it stands in lower case
        ("hi , brian ." … "so , brian is a 58 year old"), if it is no everyday word."""
        words = {plain for d in found for w in _MEMBER.findall(text[d.start:d.end])
                 if len(plain := folded_word(w).removesuffix("'s")) > 2 and self._distinct(plain)}
        if not words:
            return
        pattern = re.compile(r"(?<![\w'’@./\-])(" + "|".join(sorted(map(re.escape, words)))
                             + r")(?![\w@/\-])")
        for m in pattern.finditer(text):
            yield Detection(PhiType.NAME, m.start(), m.end(), 0.7, self.name)

    def _distinct(self, plain: str) -> bool:
        """A name word that is no everyday English word ("brian", not "mark" or "six")."""
        return self._name_word(plain) and self.lex.english_rank.get(
            plain, RARE_RANK) >= COMMON_RANK

    def _lists(self, text: str) -> Iterator[Detection]:
        for m in _LIST.finditer(text) if text.count(",") > 1 and "and" in text else ():
            members = [w for w in _MEMBER.finditer(m.group(0)) if w.group(0) != "and"]
            plains = [w.group(0).lower() for w in members]
            rare = sum(self.lex.english_rank.get(p, RARE_RANK) >= RARE_RANK for p in plains)
            given = sum(self.lex.given(p) for p in plains)
            # Given names all, but perhaps one that no list knows ("leonti, terrence, …").
            if rare >= 2 and given >= len(plains) - 1 and all(
                    self.lex.given(p) or self.words.unfamiliar(p) for p in plains):
                for w in members:
                    yield Detection(PhiType.NAME, m.start() + w.start(), m.start() + w.end(),
                                    0.7, self.name)

    def _lines(self, text: str) -> Iterator[Detection]:
        """A line that is only a given name and a surname, as under a letter."""
        for m in _LINE.finditer(text):
            given, family = m.group("g").lower(), m.group("f").lower()
            rank = self.lex.english_rank.get(given, COMMON_RANK)
            # A Census name on either side, or an initial between ("emidio p lombardo").
            if (self.lex.given(given) and rank >= COMMON_RANK and not self.words.is_weak(given)
                    and (family in self.lex.surnames or self.words.unfamiliar(family))
                    and (given in self.lex.given_names or family in self.lex.surnames
                         or m.group("i"))):
                yield Detection(PhiType.NAME, m.start("g"), m.end("f"), 0.7, self.name)

    def _pairs(self, text: str) -> Iterator[Detection]:
        """A given name no everyday word before a surname rare in English or a word no
        vocabulary knows, neither a clinical or shorthand word nor a slip of one: a person,
        wherever the pair stands ("pat rixford licsw")."""
        lex = self.lex
        for m in _PAIR.finditer(text):
            given, family = m.group("g"), m.group("f")
            if (given in lex.given_names and (
                    family in lex.surnames or self.words.unfamiliar(family))
                    and lex.english_rank.get(given, RARE_RANK) >= COMMON_RANK
                    and lex.english_rank.get(family, RARE_RANK) >= RARE_RANK
                    and not any(w in lex.shorthand or w in lex.clinical_words
                                or w in lex.vocabulary or w in ROLE_WORDS
                                for w in (given, family))
                    and not self.words.slip(family)):
                yield Detection(PhiType.NAME, m.start("g"), m.end("f"), 0.7, self.name)

    def _roles(self, text: str) -> Iterator[Detection]:
        """A rare given name that speaks, opens a sentence before its verb, or owns."""
        owned = "'" in text or "’" in text  # (a label's colon, an owner's "'s")
        for m in (*(_SPEAKER.finditer(text) if ":" in text else ()), *_SUBJECT.finditer(text),
                  *(_POSSESSOR.finditer(text) if owned else ())):
            plain = m.group("g").lower()
            if plain in self.lex.shorthand:
                continue  # "pvc's noted", "neo weaned"
            if plain in self.lex.widely_given or (
                    plain in self.lex.given_names and not self.lex.known(plain)):
                yield Detection(PhiType.NAME, m.start("g"), m.end("g"), 0.7, self.name)

    def analyze(self, text: str) -> Iterator[Detection]:
        found = [*self._cued(text), *self._lists(text), *self._lines(text), *self._roles(text),
                 *self._pairs(text), *self._initial_pairs(text)]
        if _lower_cased(text):  # where the writer capitalises, a lower-case word is no name
            found += [*self._given_to(text),
                      *self._vocatives(text), *self._initialled(text)]
            found += self._echoes(text, found)
        yield from found
