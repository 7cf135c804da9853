"""Organisations named the way companies and hospitals are: "Lynch PLC", "Bailey and Sons",
"Carr, Moore and Jones", "Chicago General", "our Dallas clinic".

Each rule needs a name-like word (on a name or place list, or known to no vocabulary) in
the name, so that "Mental Health", "Support Group" and "Review of Systems" survive.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from engine.phi.lexicons import Lexicons, load
from engine.phi.names import WORD, NameRecognizer
from engine.phi.types import Detection, PhiType

_CAP = rf"(?:{WORD}|[A-Z]{{2,6}})"
# Company endings ("Inc" and the hospital words live in the address patterns).
_BUSINESS = (r"Ltd|PLC|Plc|Group|GmbH|AG|Holdings|Capital|Insurance|Limited|Bank|Foundation|"
             r"Global")
# Endings no ordinary phrase has: any capitalised words before them name a company.
_COMPANY = (r"Technologies|Solutions|Partners|Insights|Markets|Analytics|Software|Enterprises|"
            r"Industries|Consulting|Pharmaceuticals|Biosciences?|Ventures|Studios|Networks|"
            r"Incorporated|Resources")
_BUSINESS_NAME = re.compile(
    rf"\b(?P<n>{_CAP}(?:[ \t]+{_CAP}){{0,3}})[ \t]+(?:(?:and|&)[ \t]+Sons|(?:{_BUSINESS})\b\.?)")
_COMPANY_NAME = re.compile(rf"\b(?P<n>{_CAP}(?:[ \t]+{_CAP}){{0,3}})[ \t]+(?:{_COMPANY})\b")
# "Carr, Moore and Jones", "Kónya, Becker and Vasquez": three names in the way of a firm.
_FIRM = re.compile(rf"\b(?P<a>{WORD}),[ \t]+(?P<b>{WORD}),?[ \t]+(?:and|&)[ \t]+(?P<c>{WORD})")
# "Crystal, Matthew, Mark, Elizabeth and Jeremy": a list of people.
_LIST = re.compile(rf"\b{WORD}(?:,[ \t]+{WORD}){{2,}}(?:,?[ \t]+(?:and|&)[ \t]+{WORD})?")
# "Hudson and Campbell", "Ward-Powers": two people, or a firm of two.
_PAIR = re.compile(rf"\b(?P<a>{WORD})[ \t]+(?:and|&)[ \t]+(?P<b>{WORD})\b")
# Hospital nick-names: a place or name and a word that says "hospital" ("Mass General").
_HOSPITAL_WORD = (r"General|Health|Med(?:\.|ical)?(?:[ \t]+(?:Ctr|Center|Centre)\.?)?|Hosp\.?|"
                  r"Presbyterian|Langone|Permanente|Kettering|Children['’]s")
_HOSPITAL = re.compile(rf"\b(?P<n>{_CAP}(?:[ \t]{_CAP}){{0,2}})[ \t]+(?:{_HOSPITAL_WORD})(?!\w)")
# A place and a facility noun in lower case: "our Dallas clinic", "the Chicago downtown clinic".
_FACILITY = re.compile(
    rf"\b(?P<n>{_CAP}(?:[ \t]{_CAP}){{0,2}})[ \t]+(?:(?:downtown|main|central|satellite|"
    r"outpatient|community|county|city)[ \t]+)?(?:clinic|hospital|facility|office|med(?:ical)? "
    r"center|center|centre|practice|campus|branch|location|site|ER|ED|VA)\b")


# A place of care named after "at" or "from" and before the when: "surgery at Johns Hopkins
# on May 10", "a report from Cedar Sinai last week".
_AT_SITE = re.compile(
    rf"\b(?:at|from)[ \t]+(?:the[ \t]+)?(?P<n>{_CAP}(?:[ \t]{_CAP}){{1,2}})"
    r"(?=[ \t]+(?:on|in|since|last|this|during|for|until)\b)")


class OrganizationRecognizer:
    name = "organizations"

    def __init__(self, lexicons: Lexicons | None = None) -> None:
        self.lex = lexicons or load()
        self.names = NameRecognizer(self.lex)

    def _plain(self, word: str) -> str:
        return word.lower().replace("’", "'").removesuffix("'s").strip(".")

    def _namelike(self, word: str, acronyms: bool = False) -> bool:
        """A name or place, or a word no vocabulary knows — not a clinical or common word.
        Acronyms count where a hospital word follows ("UCLA Health", not "GI clinic")."""
        plain = self._plain(word)
        if word.isupper() and len(word) <= 6:
            return acronyms and len(word) >= 2 and plain not in self.lex.clinical_words
        if plain in self.lex.clinical_words or plain in self.lex.vocabulary:
            return plain in self.lex.places and plain not in self.lex.clinical_words
        parts = [p for p in plain.split("-") if p]
        return bool(parts) and all(
            self.lex.named(p) or p in self.lex.places or self.names.unfamiliar(p)
            for p in parts) and not self.names.is_weak(plain)

    def _owner(self, word: str, acronyms: bool = False) -> bool:
        """Before "Ltd" or "and Sons" any surname names a company, even "Hickman" or "Young"."""
        plain = self._plain(word)
        return self.lex.named(plain) or self._namelike(word, acronyms)

    def _not_clinical(self, word: str, acronyms: bool = False) -> bool:
        plain = self._plain(word)
        return plain not in self.lex.clinical_words and plain not in ("the", "a", "an", "our")

    def _people(self, words: list[str], minimum: int) -> bool:
        """Words on the name lists, at least ``minimum`` of them no common word, and not
        all of them eponyms ("Crohn and Parkinson" are diseases)."""
        plains = [self._plain(w) for w in words]
        return (all(self.lex.named(p) for p in plains)
                and sum(not self.names.is_weak(p) for p in plains) >= minimum
                and not all(p in self.lex.clinical_words for p in plains))

    def analyze(self, text: str) -> Iterator[Detection]:
        rules = ((_BUSINESS_NAME, 0.8, self._owner), (_COMPANY_NAME, 0.8, self._not_clinical),
                 (_HOSPITAL, 0.8, self._namelike), (_FACILITY, 0.75, self._namelike))
        for regex, score, namelike in rules:
            for m in regex.finditer(text):
                words = m.group("n").split()
                # Drop leading ordinary words: "The Jones Group" → "Jones Group".
                while words and not namelike(words[0], regex is not _FACILITY) and (
                        " ".join(words).lower() not in self.lex.places):
                    words.pop(0)
                if words:
                    start = m.start("n") + m.group("n").index(words[0])
                    yield Detection(PhiType.ORGANIZATION, start, m.end(), score, self.name)
        for m in _AT_SITE.finditer(text):
            words = m.group("n").replace("-", " ").split()
            if any(self._namelike(w, acronyms=True) for w in words) and not any(
                    self._plain(w) in self.lex.clinical_words for w in words):
                yield Detection(PhiType.ORGANIZATION, m.start("n"), m.end("n"), 0.7, self.name)
        for m in _FIRM.finditer(text):
            if self._people([m.group(g) for g in "abc"], minimum=1):
                yield Detection(PhiType.ORGANIZATION, m.start(), m.end(), 0.8, self.name)
        for m in _LIST.finditer(text):
            members = list(re.finditer(WORD, m.group(0)))
            if self._people([w.group(0) for w in members], minimum=2):
                for w in members:
                    yield Detection(PhiType.NAME, m.start() + w.start(), m.start() + w.end(),
                                    0.7, self.name)
        for m in _PAIR.finditer(text):
            if self._people([m.group("a"), m.group("b")], minimum=1):
                for g in "ab":  # two people: "and" is no part of either name
                    yield Detection(PhiType.NAME, m.start(g), m.end(g), 0.7, self.name)
        yield from self._double_barrelled(text)

    def _double_barrelled(self, text: str) -> Iterator[Detection]:
        """"Ward-Powers", "Cain-Garcia": two surnames joined by a hyphen."""
        for m in re.finditer(rf"\b{WORD}\b", text):
            parts = m.group(0).split("-")
            if len(parts) == 2 and self._people(parts, minimum=1):
                yield Detection(PhiType.NAME, m.start(), m.end(), 0.7, self.name)
