"""Names after the cues that clinical notes write in any case: a title ("DR RIZZO", "dr.
murphy"), kinship ("son bill", "DAUGHTER LISA ROSSETTI"), a role ("NP JANICE", "house staff
mary souza"), "per", "spoke with", "seen by", "report given to"; a clinician's name or
initial before "aware" or "notified" ("W. MAROTTA AWARE"), a caller or visitor before
"called" ("bill called"), a name before a credential ("JANE RN"); and the signature that
ends a note ("Q. LANDER RRT", "d. renna", "W.").

Each rule is one row, compiled for the three shapes a word is written in: Capitalised, UPPER
and lower case. In capitalised text the capital is evidence; in upper and lower case text it
is not, so a word there must be on a name list (and no function word) or known to no
vocabulary — and in mixed text an unknown word in capitals is an acronym ("per NSICU")."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from dataclasses import dataclass

from engine.phi.cues import finditer, fold, held_cues, needed
from engine.phi.lexicons import COMMON_RANK, RARE_RANK, Lexicons, load
from engine.phi.text_pieces import CAPITALS, LOWER, SMALLS, count, find_phrases, is_word_char
from engine.phi.types import Detection, PhiType
from engine.phi.words import CALENDAR, FUNCTION_RANK, ROLE_WORDS, WordJudge, judge, plain

SHAPES = {
    "capitalised": rf"(?:Mc|Mac)?[A-Z](?:['’][A-Za-z])?[{LOWER}]+(?:-[A-Z]?[{LOWER}]+)?",
    "upper": r"[A-Z](?:['’][A-Z])?[A-Z]+(?:-[A-Z]+)?",
    "lower": rf"[{LOWER}](?:['’][{LOWER}])?[{LOWER}]+(?:-[{LOWER}]+)?",
}
# An initial before a name: "L. RUUSKA", "o rourke" (not the article "a" or the pronoun "I").
_INITIAL = r"(?:(?P<i>[A-Za-z])\.[ \t]{0,2}|(?P<j>(?![aAiI][ \t])[A-Za-z])[ \t]{1,2})?"
# The name after a cue ("DR RIZZO", "per W. MAROTTA"); a possessive may follow ("dr.
# white's order").
_AFTER = rf"{_INITIAL}(?P<n>{{W}})(?:['’]s)?(?![\w'’])"
# The name before a cue ("W. MAROTTA AWARE", "mary souza aware", "JOHN SMITH VISITED").
_BEFORE = (r"(?<![\w'’])(?:(?P<i>[A-Za-z])\.[ \t]{0,2})?(?:(?P<g>{W})[ \t]{1,2})?"
           r"(?P<n>{W})[ \t]*[-,]?[ \t]*$")
_LOOK_BACK = 40  # characters before a cue where its name may stand
_TITLE = r"\b(?P<t>(?i:dr|drs|dr['’]s|doctor|mr|mrs|ms|miss))(?:\.[ \t]{0,2}|[ \t]{1,2})"
_KIN = (r"\b(?i:sons?|daughters?|dtrs?|kid|child|wife|husband|spouse|partner|brother|"
        r"sister|mother|father|mom|mum|dad|boyfriend|girlfriend|fianc[eé]e?|niece|nephew|"
        r"cousin|aunt|uncle|grandson|grand-?d?daughter|grandmother|grandfather|grandma|"
        r"grandpa|stepson|stepdaughter|friend|neighbou?r|roommate|caregiver|proxy|hcp)"
        r"(?i:-in-law)?(?:[ \t]*[,(:][ \t]*|[ \t]{1,2})")  # "SISTER-IN-LAW CARMELA"
# Roles ("PA" is left out: in a nursing note it is the pulmonary artery, "PA line").
_ROLE = (r"\b(?i:np|rn|rrt|rt|md|ho|sw|attending|resident|fellow|intern|case[ \t]?worker|"
         r"case[ \t]+manager|social[ \t]+worker|chaplain|house[ \t]+(?:staff|officer)|nurse|"
         r"pcp|pharmacist|therapist|surgeon|cardiologist|intensivist|neurologist)"
         # "RESIDENT: X", "attending is X", "resident (x)"
         r"(?:[ \t]*[,:(][ \t]{0,2}|[ \t]+(?i:is|was)[ \t]{1,2}|[ \t]{1,2})")
_PER = r"\b(?i:per)[ \t]{1,2}"
_SPOKEN = (r"\b(?i:spoke|spoken|speaking|speak|talked|talk|met|meet|discussed|reported|seen|"
           r"examined|evaluated|pronounced|called|paged|notified|contacted|contacts|updated|"
           r"informed|consult|consulted|d/w|s/w)"
           r"(?:[ \t]+(?i:with|to|by)[ \t]{1,2}|[ \t]*(?i:w/)[ \t]*|[ \t]{1,2})"
           # "report given to", "reported off to", "call from", "message from"
           r"|\b(?i:report|reported|handed|given|call|calls|message|messages|visit|visits)"
           r"[ \t]+(?i:off[ \t]+)?(?i:to|from)[ \t]{1,2}")
# Who called or visited: "social: bill called once", "bob visited during the evening".
_VISITOR = r"[ \t]\b(?i:called|visited|phoned|came[ \t]+in|in[ \t]+to[ \t]+visit)\b"
_AWARE = r"\b(?i:aware|notified|paged|informed)\b"
# Who came from a service: "KAREN FROM SOCIAL WORK IN TO SEE", "ellen kowalski from speech".
_FROM_SERVICE = (r"[ \t]\b(?i:from)[ \t]+(?:the[ \t]+)?(?i:speech|pt|ot|social[ \t]+work|sw|"
                 r"case[ \t]+management|nutrition|dietary|pastoral[ \t]+care|chaplaincy|"
                 r"ethics|palliative[ \t]+care|pain[ \t]+service|hospice|ems)\b")
# A family by its surname: "KEEP HADLEY FAMILY AWARE", "the Okafor family".
_FAMILY = r"[ \t]\b(?i:family|families|household)\b"
# Who was told, in brackets after it: "MD AWARE (TRASK)", "resident paged (b. oyelaran)".
_AWARE_WHO = r"\b(?i:aware|notified|paged|informed|updated)[ \t]*\([ \t]*"
# A credential after a name mid-text: "report given to JANE RN", "bill rn aware".
_CREDENTIAL_AFTER = r"\b(?i:rn|rrt|np|lpn|crna)\b"
_CREDENTIALS = r"(?i:rn|rrt|rt|np|md|pa|pa-c|lpn|sn|crna|msw|licsw|bsn|aprn|cnm|do)"
_NAME_WORDS = (r"(?P<n>(?:[A-Za-z]\.[ \t]*)?[A-Za-z][A-Za-z'’\-]+(?:[ \t]+(?:[A-Za-z]\.?[ \t]+)?"
               r"[A-Za-z][A-Za-z'’\-]+){0,2}?)"
               rf"(?:[ \t]*,?[ \t]*(?P<c>{_CREDENTIALS})\.?)?[ \t|]*$")
_SIGNATURE = re.compile(rf"^[ \t\-–~/]*{_NAME_WORDS}")
# A name signed after the last sentence of a note: "… NOT 1400U/HR. SUSAN".
_SIGNED_AFTER = re.compile(rf"[.!?](?:[ \t]+|[ \t]*[-–~]{{2,}}[ \t]*){_NAME_WORDS}")  # ". ---lisa"
_INITIAL_LINE = re.compile(r"^[ \t]*(?P<n>[A-Za-z])\.?[ \t|]*$")
# Every character _NAME_WORDS can read (with "İ", "ı" and "ſ", which its case-blind
# credential reads as "i" and "s"): a signature after the last sentence stands in the run of
# them a line ends with, and a signature line holds nothing else (but slashes before the
# name) — so neither regex is tried along a whole line of other text.
_SIGNED_CHARS = string.ascii_letters + "'’-. \t,|–~İıſ"
_WORD_BACK = re.compile(r"(?<![\w'’.])(?P<w>[A-Za-z]{2,})[ \t]{1,2}$")
_TOKEN = re.compile(r"[A-Za-zà-öø-ÿÀ-Ö'’\-]+\.?")
_CONTINUE = re.compile(
    r"(?P<gap>[ \t]*(?i:and|&)[ \t]+|,[ \t]*|[ \t]{1,2})(?P<w>[A-Za-z](?:[\w\-]|['’](?=\w))*)\.?")


@dataclass(frozen=True)
class Rule:
    """A name beside a cue: ``cue`` is a regex, the name stands ``after`` or before it, and
    ``gate`` says how its word is judged (see CuedNames._admits)."""

    name: str
    cue: str
    score: float
    gate: str
    after: bool = True


RULES = (
    Rule("title", _TITLE, 0.95, "title"),
    Rule("kin", _KIN, 0.85, "kin"),
    Rule("role", _ROLE, 0.85, "kin"),
    Rule("per", _PER, 0.85, "named"),
    Rule("spoken", _SPOKEN, 0.85, "named"),
    Rule("aware", _AWARE, 0.85, "aware", after=False),
    Rule("aware_who", _AWARE_WHO, 0.85, "kin"),
    Rule("visitor", _VISITOR, 0.8, "given", after=False),
    Rule("from_service", _FROM_SERVICE, 0.8, "given", after=False),
    Rule("family", _FAMILY, 0.8, "named", after=False),
    Rule("credential", _CREDENTIAL_AFTER, 0.85, "kin", after=False),
)
# Rules whose names stand for the same word elsewhere in the note ("son bill" … "bill
# called"): kin and roles name people by their given names.
_ECHOED = frozenset({"kin", "role"})
# Titles that are also clinical abbreviations in capitals or lower case: "MS" (mental
# status, morphine), "MR" (mitral regurgitation). A word after them needs a name's evidence.
_AMBIGUOUS_TITLES = frozenset({"ms", "mr"})


@dataclass(frozen=True)
class Compiled:
    """A rule's cue, and its name in each word shape: Capitalised, UPPER, lower case."""

    rule: Rule
    cue: re.Pattern[str]
    lowered: re.Pattern[str]  # the cue in a text in lower case
    names: dict[str, re.Pattern[str]]


def compile_rules(rules: tuple[Rule, ...] = RULES) -> tuple[Compiled, ...]:
    """Each rule's cue once, and its name once per word shape."""
    return tuple(Compiled(
        rule, re.compile(rule.cue), re.compile(rule.cue.replace("(?i:", "(?:")),
        {shape: re.compile((_AFTER if rule.after else _BEFORE).replace("{W}", word))
         for shape, word in SHAPES.items()}) for rule in rules)


def shape_of(word: str) -> str:
    if word.isupper():
        return "upper"
    return "capitalised" if word[:1].isupper() else "lower"


# Kin of more than one, whose names follow joined: "PT'S SONS GORDON AND PHIL".
_PLURAL_KIN = re.compile(r"(?i:sons|daughters|dtrs)\b")
# A capitalised word's start (a capital before a small letter, no letter before it), and the
# most characters a text whose writer capitalises has per such word (a sentence's at least).
_CAPITALISED = re.compile(r"[A-ZÀ-Þ](?<![^\W\d_].)[a-zß-ÿ]")
_PER_CAPITALISED = 200
# A capitalised word after kinship rarer in English than this is a name ("Brother Ignatius";
# not "Son Visited", "Wife Aware").
_RARE_KIN_WORD = 20000


class CuedNames:
    """The cue rules (RULES), the signature at a note's end, and the echoes of what they
    find; NameRecognizer yields their detections with its own."""

    name = "names.cued"

    def __init__(self, lexicons: Lexicons | None = None, words: WordJudge | None = None
                 ) -> None:
        self.lex = lexicons or load()
        self.words = words or judge(self.lex)
        self.rules = compile_rules()
        self._cues = tuple(needed(rule.lowered) for rule in self.rules)

    def analyze(self, text: str) -> Iterator[Detection]:
        capitals, small = count(CAPITALS, text), count(SMALLS, text)
        # In mixed text an unknown word in capitals is an acronym ("per NSICU"); where the
        # writer capitalises words, one in lower case is no name ("Dr. Y prior to") — a note
        # in lower case with acronyms in it ("pt's daughter marisol called, HCP is …") is no
        # such writer's: capitalised words, not capitals, tell one.
        acronyms = small * 10 > capitals + small
        capitalising = acronyms and len(_CAPITALISED.findall(text)) * _PER_CAPITALISED >= len(
            text)
        folded = fold(text)
        # cues are sought in the text in lower case, where no case-blind match is needed
        lowered = text.lower()
        if len(lowered) != len(text):  # a letter whose lower case is longer ("İ")
            lowered = folded = ""
        found: list[Detection] = []
        held = held_cues(folded) if lowered else None  # skip the rules none of whose cues stand
        rules = [rule for rule, words in zip(self.rules, self._cues, strict=True)
                 if held is None or words is None or not held.isdisjoint(words)]
        cues = [(rule, cue) for rule in rules for cue in (
            finditer(rule.lowered, lowered, folded) if lowered else rule.cue.finditer(text))]
        for rule, cue in cues:
            for shape, regex in rule.names.items():
                # where the writer capitalises, only a title vouches for a lower-case name
                if capitalising and shape == "lower" and rule.rule.gate != "title":
                    continue
                if rule.rule.after:
                    m = regex.match(text, cue.end())
                    offset = 0
                else:
                    offset = max(0, cue.start() - _LOOK_BACK)
                    m = regex.search(text[offset:cue.start()])
                if m is None:
                    continue
                found += self._named(text, rule.rule, shape, cue, m, offset, acronyms,
                                     capitalising)
                break  # one word, one shape
        found += self._signature(text, acronyms)
        yield from found
        yield from self._echoes(text, found)

    def _named(self, text: str, rule: Rule, shape: str, cue: re.Match[str],
               m: re.Match[str], offset: int, acronyms: bool, capitalising: bool
               ) -> list[Detection]:
        """The name a cue's match holds, if its words pass the rule's gate."""
        groups = m.groupdict()
        title = (cue.groupdict().get("t") or "").lower()
        if shape == "capitalised" and _CLINICAL_CAPS.match(text, cue.start()):
            return []  # "MS Contin", "MR Angiogram": morphine, a scan
        gate = rule.gate
        if capitalising and shape == "lower":
            gate = "evidence"  # "Dr. o rourke" — not "Dr. Y prior to"
        elif title in _AMBIGUOUS_TITLES and shape != "capitalised":
            gate = "ambiguous"
        initial = bool(groups.get("i") or groups.get("j"))
        word, given = plain(m.group("n")), plain(groups.get("g") or "")
        if rule.after:
            if not self._admits(gate, word, shape, acronyms, initial):
                return []
            start = m.start("i") if groups.get("i") else (
                m.start("j") if groups.get("j") else m.start("n"))
            return [Detection(PhiType.NAME, *part, rule.score, f"names.{rule.name}")
                    for part in self._extend(text, start, m.end("n"), shape, acronyms,
                                             coordinate=gate == "title" or (
                                                 _PLURAL_KIN.match(cue.group(0)) is not None))]
        upper = acronyms and shape == "upper"
        start = m.start("n")
        if gate == "aware":
            if not self._aware(word, upper, initial):
                return []
            if initial:
                start = m.start("i")
            elif given and self.lex.given(given) and self.words.evidence(given):
                start = m.start("g")  # "mary souza aware"
        elif self._admits(gate, word, shape, acronyms, initial):
            if initial:
                start = m.start("i")  # "Q. LANDER RRT"
            elif given and given in self.lex.given_names and self.words.evidence(given):
                start = m.start("g")
        elif not (given and self._admits(gate, given, shape, acronyms, False)
                  and self._surname(word, shape, acronyms)):
            return []
        else:
            start = m.start("g")  # "JOHN SMITH VISITED"
        if given and start == m.start("g"):
            start = self._middle_name(text, offset + start, shape) - offset
        return [Detection(PhiType.NAME, offset + start, offset + m.end("n"), rule.score,
                          f"names.{rule.name}")]

    def _middle_name(self, text: str, start: int, shape: str) -> int:
        """Where a name of given, middle and family name starts, found by its last two
        ("ellen marie kowalski from speech"): a given name of the same shape before them."""
        before = _WORD_BACK.search(text, max(0, start - 30), start)
        word = plain(before.group("w")) if before else ""
        if before and shape_of(before.group("w")) == shape and word in self.lex.given_names and (
                self.words.evidence(word)):
            return before.start("w")
        return start

    def _aware(self, word: str, upper: bool, initial: bool) -> bool:
        """A name before "aware", "notified", "paged": after an initial any word with a
        name's evidence ("W. MAROTTA AWARE"); else a name-list word rarer than everyday
        English ("NP JEN AWARE", "mary souza aware")."""
        if not self.words.evidence(word, upper and not initial):
            return False
        return initial or (self.lex.named(word)
                           and self.lex.english_rank.get(word, RARE_RANK) >= COMMON_RANK)

    def _admits(self, gate: str, word: str, shape: str, acronyms: bool,
                initial: bool) -> bool:
        """Whether the first word after a cue is a name. After a title: any name-list word
        but a function word ("DR SMALL", "dr. white"), a capitalised word that is no
        everyday one, or a word no vocabulary knows. After kinship or a role: a given name
        ("son bill", "my kid oskar"), or a word no vocabulary knows ("dtr suzette"). After
        "per" or "spoke with": a given name, a surname rarer than everyday English ("per
        DOUGLASS") — any word with a name's evidence after an initial ("per W. MAROTTA").
        Before "called" or "visited": a given name. In lower case where the writer
        capitalises, only a word with a name's evidence; after a title that is also an
        abbreviation ("MS STILL SEEMS", "ms given"), that or a surname rarer than "brown"."""
        lex, words = self.lex, self.words
        rank = lex.english_rank.get(word, RARE_RANK)
        # shorthand that is also a name is one after a title ("Dr. Foley") or, if no
        # everyday word, after kinship ("son Quinton", "daughter Mae")
        vouched = (gate == "title" and lex.named(word)) or (
            gate == "kin" and word in lex.given_names and rank >= RARE_RANK)
        if word in ROLE_WORDS or word in CALENDAR or (words.shorthand(word) and not vouched):
            return False
        upper = acronyms and shape == "upper"
        if upper and len(word) < _NAME_IN_CAPS:
            return False  # "per ADA", "Dr. XYZ": acronyms in a mixed text
        if gate == "given":
            return words.evidence(word, upper) and word in lex.given_names
        if gate == "evidence":
            return words.evidence(word, upper)
        if gate == "ambiguous":  # "MR SMITH", "ms santangelo"
            return words.evidence(word, upper) or (
                word in lex.surnames and rank >= _STRICT_SURNAME_RANK)
        if gate == "title":
            if lex.named(word):
                return rank >= _TITLE_RANK
            if initial:  # "Dr. X felt", "Dr. F.  Unfortunately": no name after the initial
                return words.evidence(word, upper)
            if shape == "capitalised":
                return rank >= COMMON_RANK
            # a title vouches even for a word shaped like a clinical one ("DR BAKAITIS"),
            # not for an acronym ("Dr. XYZ")
            return words.evidence(word, upper) or (
                not upper and len(word) > 2 and not lex.known(word))
        if word in lex.given_names:
            return rank >= FUNCTION_RANK
        if gate == "kin" and word in lex.world_given and len(word) > 3:
            # "my kid oskar", "BROTHER VITO": a given name somewhere, rare in English (not
            # a clipped word of three letters, "RN FEM")
            return True
        if gate == "kin" and shape == "capitalised" and acronyms and rank >= _RARE_KIN_WORD and (
                word not in lex.vocabulary and word not in lex.clinical_words
                and not lex.place(word)):
            return True  # "Brother Ignatius": capitalised where shorthand is in capitals
        if word in lex.surnames:
            return rank >= RARE_RANK or (initial and rank >= COMMON_RANK)
        # after an initial ("reported to D. Phyl") or kinship or a role ("NP DJURIC"), a
        # word no vocabulary knows even if shaped like a clinical one — not a slip
        vouching = initial or (gate == "kin" and len(word) > 3 and "-" not in word
                               and not words.slip(word))
        return words.evidence(word, upper and not initial) or (
            vouching and len(word) > 2 and not upper and not lex.known(word))

    def _surname(self, word: str, shape: str, acronyms: bool) -> bool:
        """A surname after a given name: on the list and no function word, or with a
        name's evidence."""
        return word not in ROLE_WORDS and not self.words.shorthand(word) and (
            (word in self.lex.surnames
             and self.lex.english_rank.get(word, RARE_RANK) >= FUNCTION_RANK)
            or self.words.evidence(word, acronyms and shape == "upper"))

    def _extend(self, text: str, start: int, end: int, shape: str, acronyms: bool,
                coordinate: bool) -> list[tuple[int, int]]:
        """The name with its further words: initials, and words of its shape with a name's
        evidence that are no everyday words ("LISA ROSSETTI", "L. RUUSKA"); after a title or
        kin of more than one also a second name across "and" ("DR CAMARDA AND CLIFFORD",
        "SONS GORDON AND PHIL"), as a name of its own."""
        parts: list[tuple[int, int]] = []
        for _ in range(3):
            if text[end - 1:end] == ".":
                break
            m = _CONTINUE.match(text, end)
            if m is None:
                break
            token = m.group("w")
            joined = m.group("gap").strip() != ""
            if joined and not coordinate:
                break
            word = plain(token)
            if len(token) == 1 and not joined and token not in "aAiI":
                after = _CONTINUE.match(text, m.end())
                if m.group(0).endswith(".") or (after and self.words.evidence(
                        plain(after.group("w")))):
                    end = m.end()  # an initial: "EDWARD C. JONES" (not "BAKAITIS W IMPROVED")
                    continue
                break
            # a surname may be written in capitals after a capitalised given name
            # ("Niece, Laura HADLEY"), a whole word, never an acronym's length
            capped = (shape == "capitalised" and shape_of(token) == "upper" and not joined
                      and len(token) >= _NAME_IN_CAPS)
            if (shape_of(token) != shape and not capped) or not self.words.evidence(
                    word, acronyms and (shape == "upper" or capped)) or (
                    self.lex.english_rank.get(word, RARE_RANK) < COMMON_RANK):
                break
            if joined:
                parts.append((start, end))
                start = m.start("w")
            end = m.end("w")
        return [*parts, (start, end)]

    def _signature(self, text: str, acronyms: bool) -> Iterator[Detection]:
        """The signature on a note's last lines: a name with a credential ("MURIELE WILLIAM
        RN", "Q. LANDER RRT"), or, on the very last line, a name alone ("SUSAN", "d. renna"),
        after the last sentence ("… 1400U/HR. SUSAN"), or an initial ("W.")."""
        for k, (offset, line) in enumerate(_last_lines(text, 2)):
            last = k == 0
            if last and (m := _INITIAL_LINE.match(line)):
                yield Detection(PhiType.NAME, offset + m.start("n"), offset + m.end("n"), 0.8,
                                "names.signature")
                continue
            tail = len(line.rstrip(_SIGNED_CHARS))  # where the run of such characters starts
            m = (_SIGNATURE.match(line) if not line.rstrip(_SIGNED_CHARS + "/") else None) or (
                _SIGNED_AFTER.search(line, max(0, tail - 1)) if last else None)
            if m is None or not (m.group("c") or last):
                continue
            words = [plain(t.group(0)) for t in _TOKEN.finditer(m.group("n"))
                     if len(t.group(0).rstrip(".")) > 1]
            upper = acronyms and line.isupper()
            if not m.group("c") and any(
                    w in self.lex.countries or w in self.lex.state_names
                    or (self.lex.place(w) and not self.lex.named(w)) for w in words):
                continue  # "Spain", "Towson": the last line of an address
            if words and all(self.words.evidence(w, upper) or (
                    m.group("c") and self.lex.named(w)
                    and self.lex.english_rank.get(w, RARE_RANK) >= FUNCTION_RANK)
                    for w in words) and (m.group("c") or any(
                    self.lex.named(w) for w in words)):
                yield Detection(PhiType.NAME, offset + m.start("n"), offset + m.end("n"), 0.85,
                                "names.signature")

    def _echoes(self, text: str, found: list[Detection]) -> Iterator[Detection]:
        """A given name found after kinship or a role, or a name rarer than everyday English
        found by any rule, is that name wherever else the note writes it, in any case."""
        names = set()
        for det in found:
            for token in _TOKEN.finditer(text, det.start, det.end):
                word = plain(token.group(0))
                if len(word) < 3 or not self.words.evidence(word):
                    continue
                rank = self.lex.english_rank.get(word, RARE_RANK)
                if rank >= COMMON_RANK or (det.source.removeprefix("names.") in _ECHOED
                                           and self.lex.given(word)):
                    names.add(word)
        if not names:
            return
        for start, end in find_phrases(text, names, _standalone):
            yield Detection(PhiType.NAME, start, end, 0.8, "names.echo")


def _last_lines(text: str, count: int) -> list[tuple[int, str]]:
    """The last ``count`` lines that hold more than blanks and bars, the last first, each
    with where it starts (read from the end: a long note is not split for its signature)."""
    lines: list[tuple[int, str]] = []
    end = len(text)
    while len(lines) < count and end >= 0:
        start = text.rfind("\n", 0, end) + 1
        if text[start:end].strip(" \t|"):
            lines.append((start, text[start:end]))
        end = start - 1
    return lines


def _standalone(text: str, start: int, end: int) -> bool:
    """A name's word standing alone: not inside a word, an address, a path or a hyphenated
    word, and not after an apostrophe or a full stop ("o'neil", "j.smith")."""
    before, after = text[start - 1:start], text[end:end + 1]
    # ("" is in every string: the text's start and end are asked apart)
    return (before == "" or not (is_word_char(before) or before in "'’@./-")) and (
        after == "" or not (is_word_char(after) or after in "@/-"))


_CLINICAL_CAPS = re.compile(r"(?:MS|MR|MRS)\b")
_NAME_IN_CAPS = 4  # in a mixed text, a shorter word in capitals is an acronym
_STRICT_SURNAME_RANK = 1000  # after "MR" or "ms": a surname rarer than "brown" ("smith")
# After a title even an everyday surname is one ("DR SMALL", "dr. white") — not "DR WILL".
_TITLE_RANK = 100
