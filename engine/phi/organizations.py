"""Organisations named the way companies and hospitals are: "Lynch PLC", "Bailey and Sons",
"Carr, Moore and Jones", "Chicago General", "our Dallas clinic" — or by what the sentence says
of them: "works for", "employed by", "co-founder of", "the address of X is", "the X office".

Each rule by shape needs a name-like word (on a name or place list, or known to no
vocabulary) in the name, so that "Mental Health", "Support Group" and "Review of Systems"
survive; after a cue said only of organisations, capitalised words with no clinical word do.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from engine.phi.cues import finditer, fold
from engine.phi.lexicons import COMMON_RANK, RARE_RANK, Lexicons, load
from engine.phi.names import CALENDAR as NAMES_CALENDAR
from engine.phi.names import WORD, WORD_AT_BREAK, WORD_UNJOINED, NameRecognizer
from engine.phi.text_pieces import NON_SPACE
from engine.phi.types import Detection, PhiType
from engine.phi.words import plain as lexicon_form

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
_WHOLE_WORD = re.compile(rf"{WORD_AT_BREAK}\b")  # a capitalised word, whole
# "Carr, Moore and Jones", "Kónya, Becker and Vasquez": three names in the way of a firm.
_FIRM = re.compile(
    rf"(?P<a>{WORD_AT_BREAK}),[ \t]+(?P<b>{WORD}),?[ \t]+(?:and|&)[ \t]+(?P<c>{WORD})")
# "Crystal, Matthew, Mark, Elizabeth and Jeremy": a list of people.
_LIST = re.compile(rf"{WORD_AT_BREAK}(?:,[ \t]+{WORD}){{2,}}(?:,?[ \t]+(?:and|&)[ \t]+{WORD})?")
# "Hudson and Campbell", "Ward-Powers": two people, or a firm of two.
_PAIR = re.compile(rf"(?P<a>{WORD_AT_BREAK})[ \t]+(?:and|&)[ \t]+(?P<b>{WORD})\b")
# Hospital nick-names: a place or name and a word that says "hospital" ("Mass General").
_HOSPITAL_WORD = (r"General|Health|Med(?:\.|ical)?(?:[ \t]+(?:Ctr|Center|Centre)\.?)?|Hosp\.?|"
                  r"Presbyterian|Langone|Permanente|Kettering|Children['’]s")
_HOSPITAL = re.compile(rf"\b(?P<n>{_CAP}(?:[ \t]{_CAP}){{0,2}})[ \t]+(?:{_HOSPITAL_WORD})(?!\w)")
# A place and a facility noun in lower case: "our Dallas clinic", "the Chicago downtown clinic".
_FACILITY = re.compile(
    rf"\b(?P<n>{_CAP}(?:[ \t]{_CAP}){{0,2}})[ \t]+(?:(?:downtown|main|central|satellite|"
    r"outpatient|community|county|city)[ \t]+)?(?:clinic|hospital|facility|office|med(?:ical)? "
    r"center|center|centre|practice|campus|branch|location|site|ER|ED|VA)\b")

_AND = re.compile(r"[ \t](?:and|&)[ \t]")
# The ending each name-before-its-ending rule cannot match without: a note holding none of
# them is not scanned for the names before them (in the order of the rules in analyze()).
_ENDINGS = (
    re.compile(rf"[ \t](?:(?:and|&)[ \t]+Sons|(?:{_BUSINESS})\b)"),  # _BUSINESS_NAME
    re.compile(rf"[ \t](?:{_COMPANY})\b"),  # _COMPANY_NAME
    re.compile(rf"[ \t](?:{_HOSPITAL_WORD})(?!\w)"),  # _HOSPITAL
    re.compile(  # _FACILITY
        r"[ \t](?:clinic|hospital|facility|office|med(?:ical)? center|center|centre|practice|"
        r"campus|branch|location|site|ER|ED|VA)\b"),
)


# A place of care named after "at" or "from" and before the when: "surgery at Johns Hopkins
# on May 10", "a report from Cedar Sinai last week", "seen at Cedars-Sinai on Jan 20".
_AT_SITE = re.compile(
    # alone, one word but no acronym: "at Cedars-Sinai on", not "at ICU on", "at CT on"
    rf"\b(?:at|from)[ \t]+(?:the[ \t]+)?(?P<n>{_CAP}(?:[ \t]{_CAP}){{1,2}}|{WORD})"
    r"(?=,?[ \t]+(?:on|in|since|last|this|during|for|until)\b)")

# An organisation named by what is said of it: someone "of" or "from" it ("Vilma Holm of
# Guidestar", "Tom I. Holzman from Predilytics"), or its office ("the Propublica office").
_MEMBER = re.compile(
    rf"(?<=[ \t])(?:of|from)[ \t]+(?P<n>(?:\d+[ \t]+)?{_CAP}(?:[ \t]+{_CAP}){{0,3}})")
# What it is: "Transunion is a 501(c)3", "Wolfram Research is a multinational".
_IS_A_FIRM = re.compile(
    r"[ \t]+is[ \t]+(?:a|an|the)[ \t]+(?:[\w\-]+[ \t]+){0,3}?(?:company|firm|agency|"
    r"organi[sz]ation|non-?profit|start-?up|corporation|business|bank|brand|multinational|"
    r"501\(c\)\(?3\)?)(?!\w)")
_NAME_BEFORE = re.compile(rf"(?<![\w'’\-])(?P<n>{_CAP}(?:[ \t]+(?:{_CAP}|&|of))*)$")
# Searched only before a match of _MEMBER: scanning every word for a person is slow.
_PERSON_BEFORE = re.compile(rf"(?P<g>{WORD_UNJOINED})(?:[ \t]+[A-Z]\.)?[ \t]+{WORD}[ \t]+$")
_NO_TITLE = r"(?!(?:Dr|Mr|Mrs|Ms|Mx|Miss|Prof)\b)"  # "works for Dr. Lee" names a person
JOINERS = frozenset({"and", "&", "of", "for", "the"})  # words inside a name, not of it
_MID_SENTENCE = re.compile(r"[\w,;][ \t]+$")
CALENDAR = NAMES_CALENDAR | {"christmas", "easter"}  # "worked at Christmas" names no firm
# A name of a few capitalised words, which may hold "and", "of", "for" ("Standard And Poors",
# "Bank of the West") and dotted initials ("U.N.").
_PART = rf"(?:(?:[A-Z]\.){{2,}}|{_CAP})"
RUN = (rf"{_NO_TITLE}{_PART}(?:[ \t]+(?:(?:and|And|&|of|for)[ \t]+(?:the[ \t]+)?)?"
       rf"{_NO_TITLE}{_PART}){{0,4}}")
_OFFICE = re.compile(rf"\b(?i:the)[ \t]+(?P<n>{RUN})[ \t]+"
                     r"(?:office|offices|headquarters|website|web[ \t]+site)\b")
# Where it is, or whom one works for: said only of an organisation, whatever its words ("The
# address of Compliance And Risks is", "the Mint office is at", "I work for Us News Schools",
# "employed by Microsoft", "co-founder of Clean Power Finance").
_SITED = re.compile(
    rf"\b(?i:the[ \t]+address[ \t]+of)[ \t]+(?:the[ \t]+)?(?P<n>{RUN})[ \t]+(?:is|was)\b|"
    rf"\b(?i:the)[ \t]+(?P<o>{RUN})[ \t]+(?:office|offices|headquarters|head[ \t]+office)"
    r"[ \t]+(?:is|are|was)[ \t]+(?:at|in|on|located)\b")
_EMPLOYER = re.compile(
    r"\b(?i:(?:works?|worked|working|used[ \t]+to[ \t]+work)[ \t]+(?:for|at)|"
    r"(?:employed|hired)[ \t]+(?:by|at)|employee[ \t]+(?:of|at)|retired[ \t]+from|"
    r"co-?founders?[ \t]+of|founders?[ \t]+of|founded|employer[ \t]*(?:is|:))"
    rf"[ \t]+(?:the[ \t]+)?(?P<n>(?:\d+[ \t]+)?{RUN})")
# Whom one heads: "HUSBAND CEO OF ZENTRA", "president of Halvorsen Freight" (not "director
# of nursing" or "owner of a dog": roles said of more than firms).
_EXECUTIVE = re.compile(
    r"\b(?i:ceo|cfo|coo|cto|president|vice[ \t]+president|vp|chairman|chairwoman)[ \t]+"
    rf"(?i:of|at)[ \t]+(?:the[ \t]+)?(?P<n>(?:\d+[ \t]+)?{RUN})")
# A weaker cue, for a name no vocabulary knows ("joined Nautilytics", not "joined AA").
_JOINED = re.compile(rf"\b(?i:joined)[ \t]+(?:the[ \t]+)?(?P<n>{RUN})")
# The same shapes typed in lower case: "stillwater supercomputing inc.", "hubbard, fox and
# gillespie", "rosales-mcguire".
_LW = r"[a-z][a-z'’]+"
# ("inc" is also shorthand for "increase": "irrigant inc. to 300cc", "inc by 2")
_LOWER_LEGAL = re.compile(r"(?<=[a-z'’])[ \t]+(?:inc|llc|ltd|corp|plc|gmbh)\b"
                          r"(?!\.?[ \t]*(?:to|by|from|of|\d))\.?")
_LOWER_LEGAL_FORMS = ("inc", "llc", "ltd", "corp", "plc", "gmbh")
_LOWER_OWNER = re.compile(rf"(?<![\w'’\-])(?P<n>{_LW}(?:[ \t]+{_LW}){{0,3}})$")  # before it
_LOWER_FIRM = re.compile(rf"(?<![\w'’\-])(?P<a>{_LW}),[ \t]+(?P<b>{_LW}),?[ \t]+and[ \t]+"
                         rf"(?P<c>{_LW})(?![\w'’\-])")
_LOWER_BARREL = re.compile(r"(?<![\w'’\-])(?P<a>[a-z]{3,})-(?P<b>[a-z]{3,})(?![\w'’\-])")


def possessive_end(m: re.Match[str], group: str) -> int:
    """Where the name in the group ends, less an "'s" ("of Reed Elsevier's")."""
    return m.end(group) - (2 if m.group(group)[-2:] in ("'s", "’s") else 0)


class OrganizationRecognizer:
    name = "organizations"

    def __init__(self, lexicons: Lexicons | None = None) -> None:
        self.lex = lexicons or load()
        self.names = NameRecognizer(self.lex)

    def _namelike(self, word: str, acronyms: bool = False) -> bool:
        """A name or place, or a word no vocabulary knows — not a clinical or common word.
        Acronyms count where a hospital word follows ("UCLA Health", not "GI clinic")."""
        plain = lexicon_form(word)
        if word.isupper() and len(word) <= 6:
            return acronyms and len(word) >= 2 and plain not in self.lex.clinical_words
        if plain in self.lex.clinical_words or plain in self.lex.vocabulary:
            return plain in self.lex.places and plain not in self.lex.clinical_words
        parts = [p for p in plain.split("-") if p]
        return bool(parts) and all(
            self.lex.named(p) or p in self.lex.places or self.names.unfamiliar(p)
            for p in parts) and not self.names.is_weak(plain)

    def _after_person(self, text: str, index: int) -> bool:
        person = _PERSON_BEFORE.search(text, max(0, index - 60), index)
        return person is not None and self.lex.given(lexicon_form(person["g"]))

    def _cued(self, word: str, acronyms: bool = False) -> bool:
        """Where the context says "organisation", any word no vocabulary knows is its name,
        however it is built ("Predilytics", "Guidestar")."""
        return self._namelike(word, acronyms) or not (
            self.lex.known(lexicon_form(word)) or self.names.is_weak(word))

    def _unknown(self, word: str, acronyms: bool = False) -> bool:
        """A word of a name or none of any vocabulary, but no acronym ("joined AA")."""
        return not word.isupper() and self._cued(word)

    def _capitalised(self, word: str, acronyms: bool = False) -> bool:
        """After a cue said only of organisations, any capitalised word but one of the
        calendar ("worked at Christmas", "works for May and June")."""
        return lexicon_form(word) not in CALENDAR

    def _headed(self, word: str, acronyms: bool = False) -> bool:
        """After "CEO of": a capitalised word, or in capitals an acronym or a rare word —
        not an everyday one ("VP OF SALES", "PRESIDENT OF THE CLUB")."""
        plain = lexicon_form(word)
        if not word.isupper():
            return self._capitalised(word)
        rank = self.lex.english_rank.get(plain, RARE_RANK)
        acronym = len(plain) <= 5 and plain not in self.lex.clinical_words and rank >= COMMON_RANK
        return plain not in self.lex.shorthand and (acronym or rank >= RARE_RANK)

    def _owner(self, word: str, acronyms: bool = False) -> bool:
        """Before "Ltd" or "and Sons" any surname names a company, even "Hickman" or "Young"."""
        plain = lexicon_form(word)
        return self.lex.named(plain) or self._namelike(word, acronyms)

    def _not_clinical(self, word: str, acronyms: bool = False) -> bool:
        plain = lexicon_form(word)
        return plain not in self.lex.clinical_words and plain not in ("the", "a", "an", "our")

    def _people(self, words: list[str], minimum: int) -> bool:
        """Words on the name lists, at least ``minimum`` of them no common word, and not
        all of them eponyms ("Crohn and Parkinson" are diseases)."""
        plains = [lexicon_form(w) for w in words]
        return (all(self.lex.named(p) for p in plains)
                and sum(not self.names.is_weak(p) for p in plains) >= minimum
                and not all(p in self.lex.clinical_words for p in plains))

    def analyze(self, text: str) -> Iterator[Detection]:
        rules = ((_BUSINESS_NAME, 0.8, self._owner), (_COMPANY_NAME, 0.8, self._not_clinical),
                 (_HOSPITAL, 0.8, self._namelike), (_FACILITY, 0.75, self._namelike))
        for (regex, score, namelike), ending in zip(rules, _ENDINGS, strict=True):
            if ending.search(text) is None:
                continue
            for m in regex.finditer(text):
                words = m.group("n").split()
                # Drop leading ordinary words: "The Jones Group" → "Jones Group" — but a
                # capital "The" inside a sentence is the name's ("in 1984, The Vanguard Group").
                inner = _MID_SENTENCE.search(text, max(0, m.start("n") - 3), m.start("n"))
                while words and not namelike(words[0], regex is not _FACILITY) and (
                        " ".join(words).lower() not in self.lex.places) and not (
                        inner and words[0] == "The"):
                    words.pop(0)
                if words:
                    start = m.start("n") + m.group("n").index(words[0])
                    yield Detection(PhiType.ORGANIZATION, start, m.end(), score, self.name)
        folded = fold(text)  # for the cue words of each rule
        staff = [m for m in finditer(_MEMBER, text, folded) if self._after_person(text, m.start())]
        described = [m for m in (_NAME_BEFORE.search(text, max(0, d.start() - 60), d.start())
                                 for d in finditer(_IS_A_FIRM, text, folded)) if m]
        # A cue said of organisations takes a name of several capitalised words, however
        # common they are ("the Standard And Poors website"); a lone word must look like one.
        # Whom someone works for is the surest of them: it outranks a town of that name
        # ("works at Acme Plastics").
        cued = [(m, self._namelike, False, 0.7) for m in finditer(_AT_SITE, text, folded)] + [
            (m, self._cued, False, 0.7) for m in staff] + [
            (m, self._cued, True, 0.7) for m in (*finditer(_OFFICE, text, folded), *described)] + [
            (m, self._unknown, False, 0.7) for m in finditer(_JOINED, text, folded)] + [
            (m, self._capitalised, False, 0.7) for m in finditer(_SITED, text, folded)] + [
            (m, self._capitalised, False, 0.85) for m in finditer(_EMPLOYER, text, folded)] + [
            (m, self._headed, False, 0.8) for m in finditer(_EXECUTIVE, text, folded)]
        for m, namelike, several, score in cued:
            group = "n" if m.group("n") else "o"
            words = m.group(group).replace("-", " ").split()
            capitals = [w for w in words if w[0].isupper() and lexicon_form(w) not in JOINERS]
            named = any(namelike(w, acronyms=True) for w in words) or (
                several and len(capitals) > 1)
            if named and not any(lexicon_form(w) in self.lex.clinical_words for w in words):
                yield Detection(PhiType.ORGANIZATION, m.start(group),
                                possessive_end(m, group), score, self.name)
        joined = _AND.search(text) is not None  # a firm and a pair need "and" or "&"
        for m in _FIRM.finditer(text) if joined else ():
            if self._people([m.group(g) for g in "abc"], minimum=1):
                yield Detection(PhiType.ORGANIZATION, m.start(), m.end(), 0.8, self.name)
        for m in _LIST.finditer(text) if text.count(",") > 1 else ():
            members = list(re.finditer(WORD, m.group(0)))
            if self._people([w.group(0) for w in members], minimum=2):
                for w in members:
                    yield Detection(PhiType.NAME, m.start() + w.start(), m.start() + w.end(),
                                    0.7, self.name)
        for m in _PAIR.finditer(text) if joined else ():
            if self._people([m.group("a"), m.group("b")], minimum=1):
                for g in "ab":  # two people: "and" is no part of either name
                    yield Detection(PhiType.NAME, m.start(g), m.end(g), 0.7, self.name)
        yield from self._double_barrelled(text)
        yield from self._lower_case(text)

    def _lower_case(self, text: str) -> Iterator[Detection]:
        """Firms typed in lower case: the words before a legal form, less the sentence words
        that lead to them ("is from stillwater supercomputing inc."); surnames in the shape of
        a firm or a double-barrelled name, all but one rare in English ("hubbard, fox and
        gillespie", "rosales-mcguire")."""
        legal_forms = any(map(text.__contains__, _LOWER_LEGAL_FORMS))
        for legal in _LOWER_LEGAL.finditer(text) if legal_forms else ():
            m = _LOWER_OWNER.search(text, max(0, legal.start() - 80), legal.start())
            words = list(NON_SPACE.finditer(m.group("n"))) if m else []
            while words and self.lex.english_rank.get(words[0].group(0), RARE_RANK) < COMMON_RANK:
                words.pop(0)
            if words and not any(w.group(0) in self.lex.clinical_words for w in words):
                yield Detection(PhiType.ORGANIZATION, m.start("n") + words[0].start(),
                                legal.end(), 0.75, self.name)
        for regex, kind in ((_LOWER_FIRM, PhiType.ORGANIZATION), (_LOWER_BARREL, PhiType.NAME)):
            if ("," if regex is _LOWER_FIRM else "-") not in text:
                continue  # a firm's list has commas, a double-barrelled name its hyphen
            for m in regex.finditer(text):
                names = [g for g in m.groups() if g]
                rare = sum(self.lex.english_rank.get(n, RARE_RANK) >= RARE_RANK for n in names)
                if all(n in self.lex.surnames for n in names) and rare >= len(names) - 1 and (
                        not any(n in self.lex.clinical_words for n in names)):
                    yield Detection(kind, m.start(), m.end(), 0.7, self.name)

    def _double_barrelled(self, text: str) -> Iterator[Detection]:
        """"Ward-Powers", "Cain-Garcia": two surnames joined by a hyphen."""
        for m in _WHOLE_WORD.finditer(text) if "-" in text else ():
            parts = m.group(0).split("-")
            # not a prefixed word written with a hyphen ("Re-start", "On-going")
            if len(parts) == 2 and self._people(parts, minimum=1) and not self.lex.known(
                    "".join(parts).lower()):
                yield Detection(PhiType.NAME, m.start(), m.end(), 0.7, self.name)
