"""Hospitals, wards and homes of care named the way notes name them: by a short name before
what the place is ("CALVERT HOSPITAL", "kernan hosp", "Baltimore Rehab", "GH ER"), by where a
patient was sent ("transferred to GH", "taken to kernan", "sent to QUARTERMAIN 2"), as a
saint's ("St. Mary's") or a university's ("U Maryland"), and then wherever else the same
note names them again ("7/23 AT CALVERT").

Notes are typed in capitals, in lower case or in sentence case, so case is no evidence in the
first two; where a line is in sentence case, the name must be capitalised. Kinds of places,
units and services of care ("to ICU", "from OR", "seen by PT", "to rehab") and words that
say only what kind a facility is ("outside hospital") name none
(resources/phi/facility_words.tsv).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from string import ascii_lowercase, ascii_uppercase

from engine.phi.cues import finditer, fold, memo
from engine.phi.lexicons import COMMON_RANK, RARE_RANK, RESOURCES, Lexicons, load
from engine.phi.names import CALENDAR, FUNCTION_RANK
from engine.phi.text_pieces import apart, count, find_phrases
from engine.phi.types import Detection, PhiType
from engine.phi.words import judge
from engine.phi.words import plain as lexicon_form


def _facility_words() -> dict[str, frozenset[str]]:
    """The kinds of places of care, the words that describe a facility's kind, and the words
    of faith and charity that hospitals are named by."""
    roles: dict[str, set[str]] = {"setting": set(), "descriptor": set(), "faith": set()}
    for line in (RESOURCES / "facility_words.tsv").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            word, role = line.split("\t")
            roles[role].add(word)
    return {role: frozenset(words) for role, words in roles.items()}


_ROLES = _facility_words()
SETTINGS, DESCRIPTORS, FAITH = _ROLES["setting"], _ROLES["descriptor"], _ROLES["faith"]
# "Sacred Heart", "good samaritan": a hospital's name of two words, in any case, anywhere.
_FAITH_PHRASE = re.compile(r"(?<![\w\-])(?:" + "|".join(
    re.escape(p).replace(r"\ ", r"[ \t]+") for p in sorted(FAITH) if " " in p)
    + r")(?![\w\-])(?![ \t]+(?:of|church|school|college|parish)\b)", re.I)
# The care units' acronyms by their letters, so that a typed transposition ("MCIU", "SCIU")
# is still a unit, not a place's short name (as is any "…ICU": "PMICU", "TSICU").
_UNIT_LETTERS = frozenset("".join(sorted(w)) for w in SETTINGS if w.isalpha() and "cu" in w)
# What a place of care is, after its name: "hospital" and its shorthand and typos ("hosp.",
# "hospiatal"), a rehabilitation or nursing facility, a campus, an emergency ward.
_NOUN = re.compile(
    r"(?<![\w\-])(?:hosp(?:ital|iatal|itol)?s?\.?|rehab(?:ilitation)?|nursing[ \t]+home|"
    r"house(?![ \t]+(?:staff|officers?|diet|md|mds|calls?|physicians?|doctors?))|manor|campus|"
    r"facility|hospice|infirmary|snf|er|ew|ed|"
    # a centre of care ("keswick multicare center", "NORTHSHORE MED CTR"), a home for the
    # old ("X retirement community", "X senior living", "X assisted living")
    r"(?:medical|med\.?|nursing|health|care|multi-?care|multi-?medical|extended[ \t]+care|"
    r"convalescent|rehab(?:ilitation)?|senior)[ \t]+(?:cent(?:er|re)|ctr\.?)|"
    r"retirement[ \t]+(?:community|home|village)|senior[ \t]+living|assisted[ \t]+living|"
    r"(?-i:General|MEMORIAL|Memorial)"
    # "the westvale VA": a veterans' hospital by its town, where a destination ends
    r"|va(?=[ \t]*(?:[.,;:)\n]|$|(?:for|on|at|in|with|er|ed|ew|hosp\w*|medical)\b))"
    # "howard general", "X GENERAL," where a destination ends: not "general anesthesia"
    r"|general(?=[ \t]*(?:[.,;:)\n]|$|(?:where|for|and|on|at|in|via|with|er|ed|ew|today|"
    r"yesterday|hosp\w*)\b))"
    # "X REGIONAL where", "to X Regional.": a hospital named by its region's adjective, not
    # "regional anesthesia", "regional wall motion"
    r"|regional(?=[ \t]*(?:[.,;:)\n]|$|(?:where|for|and|on|at|in|via|with|er|ed|ew|"
    r"hosp\w*|medical)\b)))(?![\w\-])"
    # not a word that only qualifies another: "hospital course", "facility policy"
    r"(?![ \t]+(?:course|stay|admission|admissions|days?|policy|policies|bed|beds|records?|"
    r"visits?|discharge|staff|acquired|setting|based|floor|team|physician|pharmacy))", re.I)
# The word after a facility's name that is part of that name, not what kind of place it is:
# "LAUREL REGIONAL", "Sacred Heart memorial", "Westvale General." — and "Rehab" written as a
# name ("Kernan Rehab", "KERNAN REHAB"; not "kernan rehab" in a lower-case note, a kind).
_NAMING_NOUN = re.compile(
    r"[ \t]+(?P<n>memorial|rehab(?:ilitation)?|(?:regional|general)(?=[ \t]*(?:[.,;:)\n]|$|"
    r"(?:where|for|and|on|at|in|via|with|er|ed|ew|hosp\w*|medical|today|tomorrow)\b)))"
    r"(?![\w\-])", re.I)
_HOSPITAL_AFTER = re.compile(r"[ \t]+(?:hosp(?:ital)?s?|medical[ \t]+cent(?:er|re))\b", re.I)
# The emergency wards are named by a short name only ("GH ER", "kernan ew"): "the ER".
_WARDS = frozenset({"er", "ew", "ed"})
_NAME_BEFORE = re.compile(r"(?:(?<=[\s(/>])|^)(?P<w>[A-Za-z][A-Za-z'’\-]*)[ \t]+$")
# Where a patient goes, comes from, or is seen: the place's name follows.
_SENT = re.compile(
    r"(?<![\w/])(?:(?:transferr?e?d?|transfered|trans|tx|xfer(?:red)?|sent|send|referred|"
    r"admitted|readmitted|adm|presented|brought|taken|went|go|"
    r"discharged?|medflight(?:ed)?|flown|arrival|arrived|accepted|came|"
    r"come|coming|going|goes|return(?:s|ed|ing)?|took|take|takes|taking)"
    # whom, and back or over: "sent pt back to", "took her over to", "transfer back to"
    r"(?:[ \t]+(?:him|her|them|pt|patient|back|over|home)){0,2}"
    r"(?:[ \t]+in[ \t]+transfer)?[ \t]+(?P<p>to|from|at)|"
    # an arrival into a place ("came into GH"; not "went into afib": no arrival verb)
    r"(?:came|come|coming|brought|arrived|admitted|readmitted|presented|taken)"
    r"(?:[ \t]+(?:him|her|them|pt|patient|back)){0,2}[ \t]+into|"
    # a discharge in shorthand, which is also "discontinued": only where to ("d/c'd to")
    r"(?:d/c(?:'?d|ed)?|dc'?d)[ \t]+to|(?:enroute|route)[ \t]+to|"  # ("en route": at "route")
    # a place of care where a bed is: "rehab at keswick", "snf placement at X", "bed at X"
    r"(?:rehab(?:ilitation)?|snf|ltach?|placement|bed|hospice|facility)[ \t]+(?:at|in)|"
    r"(?P<by>seen|evaluated|w/u|worked[ \t]+up)[ \t]+by|followed[ \t]+at|"
    r"(?P<bare>from|at)|(?P<on>on)"
    # a transfer to a ward written without "to": "TRANSFER OSLER 4"
    r"|(?:transfer|xfer)(?=[ \t]+[A-Za-z]{4,}[ \t]+\d{1,2}\b))[ \t]+(?:the[ \t]+)?", re.I)
_WORD = r"[A-Za-z][A-Za-z'’\-]*"  # a run of a name ends with its sentence: no full stop
_RUN = re.compile(rf"(?P<w>{_WORD})(?:[ \t]+(?P<w2>{_WORD}))?(?:[ \t]+(?P<w3>{_WORD}))?")
# A unit or its records after a short name: "GH ICU", "GBMC records" (not its staff: a
# role comes before "nurse" as often: "GN nurse", "PCA nurse").
_BEFORE_UNIT = re.compile(
    r"(?<![\w/\-])(?P<a>[A-Za-z]{2,5})[ \t]+(?=(?:[a-z]{0,3}icu|ccu|csru|cath[ \t]+lab|"
    r"records)\b)", re.I)
# The outside hospital named in brackets or between dashes after it: "OSH (westvale)".
_OUTSIDE_NAMED = re.compile(
    r"(?<![\w/])(?:osh|outside[ \t]+hosp(?:ital)?\.?)[ \t]*(?:\(|-{1,2})[ \t]*"
    r"(?P<n>[A-Za-z][A-Za-z'’\-]*(?:[ \t]+[A-Za-z][A-Za-z'’\-]*){0,2}?)"
    r"(?=[ \t]*(?:\)|-|[ \t]+hosp))", re.I)
# What was done or where one was cared for or works, a few words before "at" and a short
# name ("cath at GH", "SON IS A NURSE AT MGH").
_CARE_BEFORE = re.compile(
    r"\b(?:cath(?:ed|eteri[sz]ation)?|stent(?:s|ed)?|ptca|pci|cabg|angio\w*|surgery|surg|followed|"
    r"operation|op|procedure|seen|treated|admitted|admission|hospitali[sz](?:ed|ation)|"
    r"intubated|dx|dx'd|diagnosed|done|performed|w/u|work-?up|evaluated|eval|stay|stayed|"
    r"inpatient|outpatient|care|visit|appt|appointment|records?|transplant|dialysis|dialyzed|"
    r"hd|rehab|s/p|ed|er|icu|ccu|works?|worked|working|employed|nurse|job)\b[^.;:\n]{0,20}$",
    re.I)
# A title before a short name makes it a person's ("Dr. XYZ nurse", "DR KH ICU").
_TITLE_BEFORE = re.compile(r"\b(?:dr|drs|mr|mrs|ms)\.?[ \t]+$", re.I)
# A time after "at …": "extubated at aprox 2030" says when, not where.
_TIME_AFTER = re.compile(r"[ \t]+(?:\d{3,4}|\d{1,2}:\d\d)(?![\w/])")
_WARD_NUMBER = re.compile(r"[ \t]+\d{1,2}(?![\w/.]|[ \t]*(?:%|mg|l\b|liters?|units?))")
# "St. Mary's", "ST. MARY", "Mt Sinai": a saint's or a mountain's name (not the herb).
_SAINT = re.compile(r"(?<![\w./])(?:st|saint|mt|mount)\.?[ \t]+(?P<n>[A-Za-z]+)(?P<s>['’]s)?"
                    r"(?![\w'’])(?![ \t]+wort)", re.I)
# "U Maryland", "Univ. of Michigan": a university named by its state or town, in shorthand
# ("University of …" is an organisation's name by its shape).
_UNIVERSITY = re.compile(
    r"(?<![\w/])(?:u|univ\.?)[ \t]+(?:of[ \t]+)?(?P<n>[A-Za-z]+(?:[ \t][A-Za-z]+)?)", re.I)
_MAX_WORDS = 3
_NEXT_WORD = re.compile(r"[ \t]+([A-Za-z]+)")
_ARTICLE = re.compile(r"\bthe[ \t]+$", re.I)
_RARE = 10000  # an English word rarer than this may be a short name ("gh")
# Where the name of a destination ends: a pause, a date or number, a word of where or when,
# a ward or a kind of place ("to GH for cath", "to GH 7/23", "to GH ER", "to kernan hosp").
_ARRIVED = re.compile(
    r"[ \t]*(?:[.,;:)!?\n\-]|$|\d|w/|(?:for|via|on|at|in|from|with|by|and|to|per|today|"
    r"tomorrow|yesterday|tonight|now|this|last|next|after|before|when|once|until|soon|later|"
    r"where|who|which|hosp\w*|er|ed|ew|"
    r"[a-z]{0,3}icu|ccu|csru|rehab|ward|unit|floor|nurse|team|staff)\b)", re.I)


# A ward by a name and its number after where a patient moves: "to WEST 4", "transfer to
# ellison 10", "from Blake 12" (not "to levo 10", "on peep 5", "to PS 10 mg").
_WARD = re.compile(
    r"(?<![\w/])(?:to|from|on|at)[ \t]+(?:the[ \t]+)?(?P<w>[A-Za-z]{4,})[ \t]+\d{1,2}"
    r"(?![\w/:]|\.\d|[ \t]*(?:%|[x*+\-]|mg|mcg|l\b|lpm|liters?|units?|cc|ml|mm|cm|hrs?\b|"
    r"hours?|min|days?|times|breaths|bpm|mmhg|[ap]\.?m\b)|[ \t]*(?:[,;/]|and|or|to)[ \t]*\d)",
    re.I)
_NAME_AND_NUMBER = re.compile(
    r"(?P<w>(?!(?i:route|rte|highway|hwy|interstate|suite|ste|apt|apartment|unit|room|rm|"
    r"floor|box|postbox|mailbox|pob|postfach|building|bldg|lot|pier|gate|exit|pod|bed)\b)[A-Za-z][A-Za-z'’\-]+)"
    r"[ \t]+\d{1,2}\.?")  # (its sentence's full stop may close it: "to WEST 4.")
_NAME_AND_UNIT = re.compile(r"(?P<w>\S.*?)[ \t]+(?P<u>[A-Za-z]{2,5})\.?")
_MOVED_TO = re.compile(r"\b(?i:to|from)[ \t]+(?:(?i:the)[ \t]+)?$")
_COMPASS = frozenset({"north", "south", "east", "west"})
WARD_SOURCE = "facilities.ward"
# "the general" is a hospital where a patient comes from, goes to or is seen ("came from
# the general", not "the general surgery team", "general appearance").
_THE_GENERAL = re.compile(
    r"(?<![\w/])(?:to|from|at)[ \t]+the[ \t]+(?P<n>general)(?=[ \t]*(?:[.,;:)!?\n]|$|"
    r"(?:for|via|on|at|in|with|by|and|today|tomorrow|yesterday|tonight|this|last|er|ed|ew|"
    r"hosp\w*)\b))", re.I)
# A region of a state by its compass point: "the eastern shore", "NORTH COUNTY".
_REGION = re.compile(
    r"\bthe[ \t]+(?P<n>(?:eastern|western|northern|southern|north|south|east|west)[ \t]+"
    r"(?:shore|county|valley|panhandle|peninsula|end))\b", re.I)


_TITLE_WORD = re.compile(r"\b[A-Z][a-z]+\b")
_LOWER_WORD = re.compile(r"\b[a-z]+\b")
_CASE_WINDOW = 150  # characters each side of a place whose case is judged


def text_case(text: str, pos: int) -> str:
    """"upper", "lower" or "mixed": how the text around ``pos`` is typed — in capitals, in
    lower case (acronyms aside), or in sentences whose first words and names are capitalised
    (one word in fifty or more)."""
    window = (max(0, pos - _CASE_WINDOW), min(len(text), pos + _CASE_WINDOW))
    known = memo(text)  # a short text is one window, asked about at each of its places
    case = known.get(window)
    if case is None:
        case = known[window] = _case(text[window[0]:window[1]])
    return case  # type: ignore[return-value]


def _case(window: str) -> str:
    if count(ascii_lowercase, window) <= count(ascii_uppercase, window) // 4:
        return "upper"
    titled = len(_TITLE_WORD.findall(window))
    return "mixed" if titled * 50 >= titled + len(_LOWER_WORD.findall(window)) else "lower"


class FacilityRecognizer:
    name = "facilities"

    def __init__(self, lexicons: Lexicons | None = None) -> None:
        self.lex = lexicons or load()
        self.words = judge(self.lex)

    def _generic(self, plain: str) -> bool:
        """A kind of place, a describing word, a clinical or function word, shorthand, a month."""
        return (plain in SETTINGS or plain in DESCRIPTORS or plain in self.lex.clinical_words
                or "".join(sorted(plain)) in _UNIT_LETTERS or plain.endswith(("icu", "ccu"))
                or plain in self.lex.shorthand or plain in CALENDAR
                or self.lex.english_rank.get(plain, FUNCTION_RANK) < FUNCTION_RANK
                or not plain[:1].isalpha())

    def _name_word(self, word: str, case: str, unknown: bool = False) -> bool:
        """A word of a facility's name: any word but a generic one or a contraction
        ("con't"); in sentence case, a capitalised one — or, where ``unknown`` allows, one
        no vocabulary holds ("transfer to quartermain 2", not "post-stroke")."""
        plain = lexicon_form(word)
        return not self._generic(plain) and "'" not in plain and (
            case != "mixed" or word[0].isupper() or (unknown and not any(
                self.lex.known(part) for part in plain.split("-"))))

    def _distinct(self, plain: str) -> bool:
        """A word that names by itself: on no English list of note, or a name or town."""
        return not self.lex.known(plain) or self.lex.english_rank.get(
            plain, COMMON_RANK) >= COMMON_RANK

    def _naming(self, plain: str) -> bool:
        """A word that names a place by itself where case says nothing: one no vocabulary
        knows, a town or a state, a word hospitals are named by, or a name rarer than
        everyday English ("calvert", not "begin" or "awaiting")."""
        lex = self.lex
        return (not lex.known(plain) or lex.place(plain) or plain in lex.state_names
                or plain in ("memorial", "regional")  # "MEMORIAL HOSPITAL"
                or (lex.named(plain) and lex.english_rank.get(plain, RARE_RANK) >= RARE_RANK))

    def _acronym(self, word: str, case: str) -> bool:
        """A short name of letters ("GH", "gbmc"), neither generic nor an everyday word."""
        plain = lexicon_form(word)
        return (2 <= len(plain) <= 5 and plain.isalpha() and (word.isupper() or case != "mixed")
                and not self._generic(plain) and self._distinct(plain))

    def _before_noun(self, text: str) -> Iterator[Detection]:
        """The name before what the place is: "CALVERT HOSPITAL", "holy cross hospital",
        "Baltimore Rehab", "Warren Grant EW", "KEELEY HOUSE"."""
        for noun in finditer(_NOUN, text, fold(text)):
            case = text_case(text, noun.start())
            ward = noun.group(0).lower() in _WARDS
            if ward and case == "mixed" and not noun.group(0).isupper():
                continue  # "ed" and "er" are words of sentence-case text
            start, ends = noun.start(), []
            while len(ends) < _MAX_WORDS:
                m = _NAME_BEFORE.search(text, max(0, start - 40), start)
                if m is None or not self._name_word(m.group("w"), case):
                    break
                start = m.start("w")
                ends.append(m.end("w"))
            # a town's state after it says where, not which ("this towson maryland's
            # facility")
            if len(ends) > 1 and lexicon_form(text[ends[1]:ends[0]].strip()) in (
                    self.lex.state_names):
                ends.pop(0)
            if not ends:
                continue
            end, count = ends[0], len(ends)
            words = [lexicon_form(w) for w in text[start:end].split()]
            # before a ward, a short name alone ("GH ER", "kernan ew"), not "Cardiac ER"
            if ward and not (count == 1 and (self._acronym(text[start:end], case)
                                             or self._distinct(words[0]))):
                continue
            # in capitals or lower case, a word that names by itself before the noun ("holy
            # cross hospital", "KERNAN HOSP"), not "indicated per hospital policy", "PT
            # AWAITING REHAB", "BEGIN REHAB"
            last = words[-1]
            if case != "mixed" and not (self._naming(last) or " ".join(words[-2:]) in FAITH
                                        or last in FAITH):
                continue
            yield Detection(PhiType.LOCATION, start, end, 0.8, self.name)

    def _before_unit(self, text: str) -> Iterator[Detection]:
        """A short name of letters before a unit or its records: "GH ICU nurse", "per GBMC
        records", "KH cath lab" (not "per PCP records", "MICU team", and not a person's,
        "Dr. XYZ ICU team")."""
        units = any(map(fold(text).__contains__, ("icu", "ccu", "csru", "cath", "records")))
        for m in _BEFORE_UNIT.finditer(text) if units else ():
            word, case = m.group("a"), text_case(text, m.start())
            plain = lexicon_form(word)
            if self._acronym(word, case) and self._rare(plain) and (
                    len(plain) <= 3 or not self.lex.known(plain)) and (
                    word.upper() not in self.lex.state_codes) and (
                    _TITLE_BEFORE.search(text, max(0, m.start() - 6), m.start()) is None):
                yield Detection(PhiType.LOCATION, m.start("a"), m.end("a"), 0.75, self.name)

    def _outside_named(self, text: str) -> Iterator[Detection]:
        """The outside hospital's name in brackets or dashes after it: "from OSH (westvale)",
        "outside hospital - Brackmoor -" (not "OSH (intubated)", "OSH (2 days)")."""
        outside = "osh" in fold(text) or "outside" in fold(text)
        for m in _OUTSIDE_NAMED.finditer(text) if outside else ():
            case = text_case(text, m.start())
            words = m.group("n").split()
            plains = [lexicon_form(w) for w in words]
            if all(self._name_word(w, case, unknown=True) for w in words) and any(
                    not self.lex.known(p) or self.lex.place(p) or self._acronym(w, case)
                    or (self.lex.named(p) and self._distinct(p))
                    for w, p in zip(words, plains, strict=True)):
                yield Detection(PhiType.LOCATION, m.start("n"), m.end("n"), 0.75, self.name)

    def _faith(self, text: str) -> Iterator[Detection]:
        """"Sacred Heart", "good samaritan": capitalised where the writer capitalises, or
        in lower case before what names a facility ("sacred heart Memorial")."""
        for m in finditer(_FAITH_PHRASE, text, fold(text)):
            if text_case(text, m.start()) != "mixed" or m.group(0)[0].isupper() or (
                    _NAMING_NOUN.match(text, m.end()) or _HOSPITAL_AFTER.match(text, m.end())):
                yield Detection(PhiType.LOCATION, m.start(), m.end(), 0.75, self.name)

    def _sent(self, text: str) -> Iterator[Detection]:
        """Where a patient is sent, taken or seen: "transferred to GH", "taken to kernan",
        "sent to QUARTERMAIN 2", "seen by GBMC nurse", "transplant at Holy Cross"."""
        for cue in finditer(_SENT, text, fold(text)):
            run = _RUN.match(text, cue.end())
            if run is None or self._generic(lexicon_form(run.group("w"))):
                continue
            case = text_case(text, cue.end())
            words = [w for w in (run.group("w"), run.group("w2"), run.group("w3")) if w]
            keep = 0  # a possessive ends the name before it ("from Pinabel Marcil's Tales")
            while keep < len(words) and self._name_word(words[keep], case, unknown=True) and (
                    "'" not in words[keep] and "’" not in words[keep]):
                keep += 1
            if keep and self._acronym(words[0], case):
                keep = 1  # "GH via ambulance", "GBMC nurse": a short name stands alone
            if not keep:
                continue
            name = words[:keep]
            end = run.end(("w", "w2", "w3")[keep - 1])
            if self._sent_to_place(text, cue, name, end, case):
                yield Detection(PhiType.LOCATION, run.start(), end, 0.75, self.name)

    def _sent_to_place(self, text: str, cue: re.Match[str], name: list[str], end: int,
                       case: str) -> bool:
        """Whether the words after a cue name a place: a short name of letters where a
        destination ends ("GH.", "GH for cath", "GH 7/23"), a town ("to Baltimore"), a rare
        name or a word no vocabulary holds with its ward number or where a destination ends
        ("kernan hosp", "QUARTERMAIN 2"), or a capitalised name of two or three words in
        sentence-case text ("at Holy Cross"). After "by", only a short name (a person is seen
        by a person); after a bare "from" or "at", only a town or a capitalised name."""
        plains = [lexicon_form(w) for w in name]
        # capitalised words, no person's full name ("go to Grace Wojciechowska"), and one
        # of them naming, or no article before them, as an institution's name has none
        # ("at Holy Cross"; "from the West Coast" names no site)
        person = plains[0] in self.lex.given_names and not self.lex.place(plains[0])
        several = case == "mixed" and len(name) > 1 and not person and all(
            w[0].isupper() for w in name) and (_ARTICLE.search(cue.group(0)) is None or any(
                not self.lex.known(p) or ((self.lex.named(p) or self.lex.place(p))
                                          and self._distinct(p)) for p in plains))
        town = all(self.lex.place(p) and self._distinct(p) for p in plains)
        if cue.group("bare"):  # "at Holy Cross", "from Towson", "seen at Hopkins"
            capital = case != "mixed" or name[0][0].isupper()
            rare_name = (case == "mixed" and len(name) == 1 and capital
                         and not name[0].isupper() and self.lex.named(plains[0])
                         and self._distinct(plains[0]) and plains[0] not in self.lex.countries)
            # an acronym no vocabulary holds, where sentences are typed ("cath at JHH on";
            # "weaned from FMV", "drainage from ETT" are devices)
            # and in any case a rare short name of letters after what was done or where one
            # was cared for ("cath at GH 7/2", "CATH DONE AT UMD."; not "at HS", "AT NOON",
            # "sats 97% at RA", "edema at BLE", "pain at LUQ")
            # (after what was done there, wherever its sentence goes on: "CT done at BMC
            # showed no bleed")
            at_one = cue.group("bare").lower() == "at" and len(name) == 1
            cared = at_one and _CARE_BEFORE.search(
                text, max(0, cue.start() - 30), cue.start()) is not None
            short = at_one and ((
                    case == "mixed" and name[0].isupper() and 3 <= len(plains[0]) <= 5
                    and _ARRIVED.match(text, end) is not None
                    and not self.lex.known(plains[0]) and plains[0] not in SETTINGS) or (
                    self._acronym(name[0], case) and self._rare(plains[0])
                    and (len(plains[0]) <= 3 or not self.lex.known(plains[0]))
                    and name[0].upper() not in self.lex.state_codes
                    and _TIME_AFTER.match(text, end) is None and cared))
            # in any case, a word no vocabulary knows and no slip of one, after what was
            # done or where one was cared for ("SEEN AT BAYSTATE.", "seen at baystate last
            # week"; not "SEEN AT BEDSID")
            unheard = cared and len(plains[0]) >= 5 and plains[0].isalpha() and not (
                self.lex.known(plains[0]) or self.words.slip(plains[0])
                or self.words.near_clinical(plains[0]))
            return several or rare_name or short or unheard or (town and capital)
        ward = _WARD_NUMBER.match(text, end) is not None
        if cue.group("on"):  # a ward and its number: "on Osler 5", not "on lasix 40"
            return ward and len(name) == 1 and len(plains[0]) > 3 and all(
                self.lex.named(p) and self._distinct(p) for p in plains) and (
                case != "mixed" or name[0][0].isupper())
        ends = _ARRIVED.match(text, end) is not None
        acronym = len(name) == 1 and self._acronym(name[0], case) and self._rare(plains[0])
        if cue.group("by"):
            return acronym
        if acronym:  # "to GH.", "transferred to KH asymptomatic", "FROM KH CATH LAB"
            return ends or self._clinical_next(text, end)
        unknown = all(p.isalpha() and len(p) > 3 and not self.lex.known(p) for p in plains)
        rare_name = all(self.lex.named(p) and self._distinct(p) for p in plains)
        faith = len(name) == 1 and plains[0] in FAITH and ends  # "transferred to mercy."
        return several or town or faith or ((unknown or rare_name) and (ends or ward))

    def _rare(self, plain: str) -> bool:
        return not self.lex.known(plain) or self.lex.english_rank.get(plain, _RARE) >= _RARE

    def _clinical_next(self, text: str, end: int) -> bool:
        """Whether a clinical word, or in sentence case a lower-case word, follows an acronym:
        what was done or found there, not more of a name ("to KH asymptomatic")."""
        m = _NEXT_WORD.match(text, end)
        return m is not None and ((m.group(1).islower() and text_case(text, end) == "mixed")
                                  or lexicon_form(m.group(1)) in self.lex.clinical_words)

    @staticmethod
    def without_ward_number(text: str, det: Detection) -> Detection:
        """A place of one name and a number where a patient moves ("to Quartermain 5", "from
        WEST 4") without the number, and a place without the care unit after its name ("to
        Lally MICU", "from GH ER"): the ward is named, its number or kind is no identifier
        (not "Route 66", "Suite 12", "lives on Ziegelgasse 19")."""
        if det.type not in (PhiType.LOCATION, PhiType.ORGANIZATION) or (
                _MOVED_TO.search(text, max(0, det.start - 12), det.start) is None):
            return det
        m = _NAME_AND_NUMBER.fullmatch(text, det.start, det.end)
        unit = _NAME_AND_UNIT.fullmatch(text, det.start, det.end)
        if m is None and unit is not None and (unit.group("u").lower() in _WARDS or "".join(
                sorted(unit.group("u").lower())) in _UNIT_LETTERS):
            m = unit  # nor the unit after the name ("transferred to Lally MICU")
        if m is None:
            return det
        return Detection(det.type, det.start, m.end("w"), det.score, det.source)

    def _local(self, text: str) -> Iterator[Detection]:
        """Wards by a compass point or a name before their number ("to WEST 4", "transfer to
        ellison 10"; an eponym is a ward's name too; the number is no identifier), "the
        general", a state's region."""
        for m in finditer(_WARD, text, fold(text)):
            plain = lexicon_form(m.group("w"))
            # (or a word no vocabulary holds: "awaiting bed on felworthy 4")
            unlisted = len(plain) >= 6 and not self.lex.known(plain)
            if plain in _COMPASS or unlisted or (
                    self.lex.named(plain) and plain not in self.lex.shorthand
                    and plain not in SETTINGS and plain not in DESCRIPTORS and (
                        self.lex.english_rank.get(plain, COMMON_RANK) >= COMMON_RANK)):
                # judged whole: its number makes an eponym a ward's name ("ellison 10")
                yield Detection(PhiType.LOCATION, m.start("w"), m.end("w"), 0.75, WARD_SOURCE)
        for regex in (_THE_GENERAL, _REGION):
            for m in finditer(regex, text, fold(text)):
                yield Detection(PhiType.LOCATION, m.start("n"), m.end("n"), 0.75, self.name)

    def _saints(self, text: str) -> Iterator[Detection]:
        for m in finditer(_SAINT, text, fold(text)):
            plain = m.group("n").lower()
            if (plain in self.lex.given_names or self.lex.place(plain)) and not self._generic(
                    plain) and (m.group("n")[0].isupper() or text_case(text, m.start()) != "mixed"):
                yield Detection(PhiType.LOCATION, m.start(), m.end(), 0.8, self.name)

    def _universities(self, text: str) -> Iterator[Detection]:
        for m in _UNIVERSITY.finditer(text):
            words = m.group("n").split()
            for n in range(len(words), 0, -1):
                plain = " ".join(words[:n]).lower()
                if plain in self.lex.state_names or self.lex.place(plain):
                    end = m.start("n") + len(" ".join(words[:n]))
                    yield Detection(PhiType.LOCATION, m.start(), end, 0.8, self.name)
                    break

    def _elsewhere(self, text: str, found: Iterable[Detection]) -> Iterator[Detection]:
        """A facility named once is that facility wherever else the note names it: whole
        names of several words, and single words that name by themselves (not "General")."""
        names = set()
        for det in found:
            plain = " ".join(lexicon_form(w) for w in text[det.start:det.end].split())
            if " " in plain or self._distinct(plain):
                names.add(plain)
        if not names:
            return
        for start, end in find_phrases(text, names, apart):
            yield Detection(PhiType.LOCATION, start, end, 0.75, self.name)

    @staticmethod
    def _with_naming_noun(text: str, det: Detection) -> Detection:
        noun = _NAMING_NOUN.match(text, det.end)
        if noun is None or (noun.group("n")[:1].islower() and noun.group("n").lower().startswith(
                "rehab")):
            return det
        return Detection(det.type, det.start, noun.end(), det.score, det.source)

    def analyze(self, text: str) -> Iterator[Detection]:
        found = [self._with_naming_noun(text, d) for d in (
            *self._before_noun(text), *self._sent(text), *self._universities(text),
            *self._before_unit(text), *self._faith(text), *self._outside_named(text))]
        yield from found
        yield from self._saints(text)
        yield from self._local(text)
        yield from self._elsewhere(text, found)
