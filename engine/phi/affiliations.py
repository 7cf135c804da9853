"""Organisations placed by what was found beside them: the capitalised words after a person
"of" or "from" ("Vilma Holm of Here", "Hanne I. Kreutzmann from Can Capital"), and the venue
named right before a street address ("meet at Corelogic, 0896 69 Farnell Street")."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from engine.phi.cues import finditer, fold
from engine.phi.lexicons import Lexicons, load
from engine.phi.names import INSTITUTION_WORDS, TITLE_BEFORE
from engine.phi.organizations import CALENDAR, JOINERS, RUN, possessive_end
from engine.phi.types import Detection, PhiType
from engine.phi.words import WordJudge, judge
from engine.phi.words import plain as lexicon_form

# After a person: "of" or "from" and a capitalised name; not "of the clinic".
_MEMBER = re.compile(rf"[ \t]+(?:of|from)[ \t]+(?:the[ \t]+)?(?P<n>{RUN})")
# Before a street address: "at Recargo, 73111 31 Seneca Place".
_VENUE = re.compile(rf"\bat[ \t]+(?:the[ \t]+)?(?P<n>{RUN}),[ \t]*")
_GAP = re.compile(r"(?:[ \t]+[A-Z]\.?)?[ \t]+$")  # between two words of a name
_UNIT_WORDS = frozenset({"department", "dept", "unit", "service", "services", "division",
                         "ward", "team", "section", "program", "medicine", "surgery", "management"})
# Public health-care programmes, which identify no one ("Jane Doe from Medicare").
_PROGRAMMES = frozenset({"medicare", "medicaid", "tricare", "medigap", "champva"})
_SPECIALTY = re.compile(r"olog|iatr")  # "Neurology", "Hematology", "Pediatrics"


class Affiliations:
    name = "organizations.affiliation"

    def __init__(self, lexicons: Lexicons | None = None, words: WordJudge | None = None
                 ) -> None:
        self.lex = lexicons or load()
        self.words = words or judge(self.lex)

    def analyze(self, text: str, found: Iterable[Detection]) -> Iterator[Detection]:
        found = list(found)
        names = [d for d in found if d.type is PhiType.NAME]
        ends = {d.end for d in names}
        for person in names:
            m = _MEMBER.match(text, person.end)
            if m and self._person(text, person, ends) and self._organisation(m, found):
                yield self._detection(m)
        streets = {d.start for d in found if d.type is PhiType.LOCATION
                   and text[d.start:d.start + 1].isdigit()}
        for m in finditer(_VENUE, text, fold(text)):  # tried where "at" stands
            if m.end() in streets and self._organisation(m, found):
                yield self._detection(m)

    def _person(self, text: str, name: Detection, ends: set[int]) -> bool:
        """A whole name, not a lone word: two words, or the last of them ("Yuito" and
        "Hirai" are found apart), or a title's ("Dr. Lee")."""
        before = text[max(0, name.start - 6):name.start]
        return (len(text[name.start:name.end].split()) >= 2
                or any(name.start - len(gap.group(0)) in ends
                       for gap in [_GAP.search(before)] if gap)
                or TITLE_BEFORE.search(before) is not None)

    def _organisation(self, m: re.Match[str], found: list[Detection]) -> bool:
        """No unit of a hospital ("of Cardiology", "from Emergency Department"), no lone short
        acronym ("from ID", "of GI"), no time ("at Christmas, 12 Elm Street"), no public
        programme ("from Medicare"), nothing found as another kind (a date, a number)."""
        words = m.group("n").split()
        plains = [lexicon_form(w) for w in words]
        if (len(words) == 1 and words[0].isupper() and len(words[0]) <= 3) or any(
                p in CALENDAR or p in _PROGRAMMES for p in plains):
            return False
        # Words of care, perhaps with everyday ones ("Cardiology", "Internal Medicine",
        # "Hematology Oncology"), name a unit; everyday words alone may name a firm ("Can
        # Capital", "Here"), and so may any with a name in them ("Mayo Clinic").
        care = [p in self.lex.clinical_words or p in INSTITUTION_WORDS or p in _UNIT_WORDS
                or _SPECIALTY.search(p) is not None for p in plains]
        if any(care) and all(c or p in JOINERS or self.words.is_weak(p) or (
                self.lex.known(p) and not self.lex.named(p) and not self.lex.place(p))
                for c, p in zip(care, plains, strict=True)):
            return False
        return not any(d.start < m.end("n") and m.start("n") < d.end
                       and d.type not in (PhiType.NAME, PhiType.ORGANIZATION, PhiType.LOCATION)
                       for d in found)

    def _detection(self, m: re.Match[str]) -> Detection:
        return Detection(PhiType.ORGANIZATION, m.start("n"), possessive_end(m, "n"), 0.7,
                         self.name)
