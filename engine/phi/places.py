"""Geography smaller than a state, and organisations by their suffix (hospitals, employers)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from engine.phi.clinical_filter import EPONYM_HEAD
from engine.phi.cues import finditer, fold
from engine.phi.facilities import SETTINGS, text_case
from engine.phi.lexicons import COMMON_RANK, RESOURCES, Lexicons, load
from engine.phi.names import FUNCTION_RANK, WORD, WORD_AT_BREAK
from engine.phi.recognizer import Pattern, PatternRecognizer
from engine.phi.text_pieces import NON_SPACE, starts_sentence
from engine.phi.types import Detection, PhiType

STREET_TYPES = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|"
    r"Terrace|Ter|Circle|Cir|Highway|Hwy|Parkway|Pkwy|Trail|Trl|Square|Sq|Loop|Pike|Alley|"
    r"Row|Crescent|Close|Path|Run|Point|Pt|Ridge|Plaza|Expressway|Route|Rte|"
    r"Str|"  # "Str." of German and Greek addresses
    # the rest of the USPS street suffixes
    r"(?:Spring|Junction|Shore|Lock|Cliff|Cove|Island|Fall|Manor|Mill|Mountain|Port|Rapid|"
    r"Shoal|Valley|View|Village|Walk|Well|Harbor|Hill|Key|Knoll|Lake|Light|Meadow|Park|Pine|"
    r"Plain|Crossroad|Estate|Field|Flat|Ford|Forge|Fork|Garden|Glen|Green|Grove|Center|"
    r"Common|Corner|Bluff|Brook|Burg|Creek|Heights|Island|Isle|Orchard|Square|Station|Stream|"
    r"Summit|Mission|Prairie|Ranch|Haven|Hollow|Inlet|Landing|Lodge|Mews|Oval|Pass|Passage|"
    r"Canyon|Cape|Causeway|Crest|Dale|Dam|Divide|Extension|Ferry|Freeway|Gateway|Crossing|"
    r"Curve|Spur|Mall|Trace|Track|Turnpike|Underpass|Union|Via|Vista|Ville|Wall|Bypass|Camp|"
    r"Club|Course|Bend|Bottom|Branch|Bridge|Beach|Arcade|Annex|Skyway|Stravenue|Throughway|"
    r"Radial|Trafficway|Tunnel|Neck|Loaf|Motorway|Overpass|Ramp|Rest|Forest|Fort|Shoal|Land|"
    r"Mount|River|Viaduct|Rapid|Cliff|Drive|Glen|Plain|Point|Port|Ridge|Road|Shore|Spring|Way|"
    r"Walk|View|Manor|Mill|Fork|Ford|Forge|Green|Grove|Knoll|Lake|Light|Lock|Meadow|Pine|Street|"
    r"Valley|Village|Well|Court|Parkway|Terrace|Trail|Circle|Lane|Place|Plaza|Route|Avenue|"
    r"Boulevard|Unions?)s?)"  # the plurals of USPS suffixes: "Kimberly Courts", "Chan Parkways"
)
STREET_TYPE = re.compile(rf"(?:{STREET_TYPES})\.?")  # one street word: "Dam", "Str."
_UNIT = (r"(?:,?\s*(?:Apt|Apartment|Suite|Ste|Unit|Bldg|Building|Floor|Fl|Room|Rm|#)\.?"
         r"\s*#?[\w\-]+)?")
_STATE_CODES = (
    "AS|GU|MP|VI|FM|MH|PW|AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|"
    "NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR"
)
_STATE_NAMES = "|".join(
    sorted((ln.split("\t")[1] for ln in (RESOURCES / "us_states.txt").read_text().splitlines()
            if "\t" in ln), key=len, reverse=True))
_ORG_SUFFIX = (
    r"Hospital|Medical Center|Medical Centre|Health Center|Health Centre|Clinic|Clinics|"
    r"Health System|Healthcare|Health Care|Infirmary|Medical Group|Associates|Laboratory|"
    r"Laboratories|Lab|Pharmacy|Nursing Home|Nursing Facility|Rehabilitation Center|Hospice|"
    r"Urgent Care|Family Medicine|Family Practice|Physicians|Institute|University|College|"
    r"Memorial|Cardiology|Oncology|Pediatrics|Orthopedics|Radiology|Surgical Center|"
    r"Surgery Center|Dialysis Center|Care Center|Medical Associates|Corporation|Corp|Inc|LLC|"
    r"Company|Co"
)

_SITE = rf"(?:{WORD}|[A-Z]{{2,}})(?:(?:[ \t]|-)(?:{WORD}|[A-Z]{{2,}})){{0,3}}"


def _no_sentence_word(words: list[str]) -> bool:
    rank = load().english_rank
    return all(w.isdigit() or rank.get(w, FUNCTION_RANK) >= FUNCTION_RANK for w in words)


# What follows a dose or a measurement, never a house number or a postcode: "500 mg", "3/5".
NOT_AMOUNT = (r"(?![.,]\d)(?![ \t]*(?:mg|mcg|ml|g\b|kg|lbs?|%|units?|tabs?|caps?|years?|yrs?|"
              r"yo\b|y/o|weeks?|days?|months?|hours?|hrs?|minutes?|min\b|cm|mm|bpm|/|x\b|"
              r"times|puffs?|doses?|am\b|pm\b|cc\b|meq\b|given\b))")
# Canada's postcode, "B0J 2H0": its letters are never D, F, I, O, Q or U, nor lead with W, Z.
_CANADA = r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ \t]\d[ABCEGHJ-NPRSTV-Z]\d"
# Postcodes of many countries: "4844", "840 24", "3610-114", "00-950", "97518-1234", "B0J 2H0".
# A bare year ("Boston 2019") is no postcode.
POSTCODE = (r"(?!(?:19|20)\d\d(?![\d\-]))(?:\d{5}(?:-\d{3,4})?|\d{4}(?:-\d{3})?|"
            rf"\d{{3}}[ \t]\d{{2}}|\d{{2}}-\d{{3}}|{_CANADA})(?![\w\-]|[.,:/]\d){NOT_AMOUNT}")

ADDRESSES = PatternRecognizer("addresses", (
    # Where care happened: "treated at UCSF", "seen at Cedar Sinai", "admitted to NY Presbyterian"
    Pattern(PhiType.ORGANIZATION, re.compile(
        r"\b(?:seen|treated|admitted|visited|presented|transferred|referred|evaluated|"
        r"hospitali[sz]ed|followed|operated|managed|delivered|discharged|diagnosed|"
        r"examined|imaged|tested|scanned)\s+(?:at|to|in|from|by)\s+(?:the\s+|our\s+)?"
        rf"(?P<o>{_SITE})"), 0.75, group="o", validate=lambda site: site.lower() not in SETTINGS),
    Pattern(PhiType.LOCATION, re.compile(
        rf"\b(?:\d{{1,6}}\s+)?\d{{1,6}}[A-Z]?\s+(?:[NSEW]\.?\s+)?(?:(?:{WORD}|\d+(?:st|nd|rd|th))\s+){{1,4}}"
        rf"(?:{STREET_TYPES})\b\.?{_UNIT}"), 0.9, digits=1, leads=""),
    # A street typed in lower case, only with the words no phrase of care ends in, and no
    # sentence word in its name ("2 blocks down the street").
    Pattern(PhiType.LOCATION, re.compile(
        r"\b(?:\d{1,6}[ \t]+)?\d{1,6}[ \t]+(?:[a-z]+[ \t]+){1,3}(?:street|avenue|boulevard)\b"),
        0.8, validate=lambda value: _no_sentence_word(value.split()[1:-1]), digits=1, leads=""),
    Pattern(PhiType.LOCATION, re.compile(
        r"\b(?:\d{1,6}\s+)?(?:P\.?\s?O\.?\s+Box|Post(?:box|boks|fach))\s+\d+\b", re.I),
            0.9, digits=1, needs=("box", "post")),
    # Military mail: "APO AE 09012", "USNS Comfort", "PSC 3294, Box 9168".
    Pattern(PhiType.LOCATION, re.compile(r"\b(?:APO|FPO|DPO)\s+(?:AA|AE|AP)\s+\d{5}\b", re.I),
            0.9),
    Pattern(PhiType.LOCATION, re.compile(
        rf"\b(?:USS|USNS|USNV|USCGC)\s+{WORD}|\b(?:uss|usns|usnv|uscgc)\s+[^\W\d_]{{3,}}"),
        0.85),
    Pattern(PhiType.LOCATION, re.compile(
        r"\b(?:Apt|Apartment|Suite|Ste|Unit|Flat|Bldg|PSC|Box|(?i:apt|apartment|suite|psc))\.?"
        r"\s*#?\d+[A-Z]?\b"), 0.8),
    # Military mail in lower case: "unit 1009 box 0219", "psc 5420, box 2708".
    Pattern(PhiType.LOCATION, re.compile(r"\b(?:unit|psc)\s+\d+,?\s+box\s+\d+\b", re.I), 0.85),
    # A postcode closing an address line: "Estonia 62488", "SK 53650", "ZIP: 3520".
    # (Not after a preposition: "given at 23000," is a time.)
    Pattern(PhiType.LOCATION, re.compile(
        r"(?<=[A-Za-z])(?<!\b(?i:at|to|of|in|on|by))[ \t]{1,5}(?P<zip>\d{5}(?:-\d{4})?)"
        r"(?=[ \t]*(?:$|\n|[,.?!;)]))", re.M), 0.6, group="zip", digits=5,
        gate=re.compile(r"[ \t]\d{5}")),
    # (gated, so its cue words stay out of the cue index: a state's two letters, case-folded,
    # stand inside most words)
    Pattern(PhiType.LOCATION, re.compile(
        rf"\b(?:{_STATE_CODES})\s+(?P<zip>\d{{5}}(?:-\d{{4}})?)\b"), 0.95, group="zip", digits=5,
        gate=re.compile(r"[A-Z]{2}\s+\d{5}")),
    # A labelled postcode of any country: "ZIP: 394 13", "zip code is 90010-170", "B0J 2H0".
    Pattern(PhiType.LOCATION, re.compile(
        r"\b(?:zip|postcode|post\s+code|postal(?:\s+code)?)(?:\s+code)?\s*(?:is|[:#])?\s*"
        r"(?P<zip>\d{3,6}(?:[ \-]\d{2,4})?|[A-Z]\d[A-Z][ \-]?\d[A-Z]\d)\b", re.I),
        0.95, group="zip"),
    Pattern(PhiType.LOCATION, re.compile(rf"\b{_CANADA}\b"), 0.8, digits=3,
            gate=re.compile(r"[A-Z]\d[A-Z][ \t]\d")),
    Pattern(PhiType.LOCATION, re.compile(
        rf"(?P<c>{WORD_AT_BREAK}(?:\s+{WORD})?)\s+(?:County|Parish)\b"), 0.85,
        needs=("county", "parish")),
    Pattern(PhiType.ORGANIZATION, re.compile(
        rf"\b(?:(?:St|Mt|Saint|Mount)\.?\s+)?(?:{WORD}\s+(?:(?:&|of|the|and)\s+)?){{0,4}}?"
        # the word before the suffix ends no sentence ("in June.  Hospital course was …"),
        # though it may be a short abbreviation ("Elm St. Clinic")
        rf"(?:[A-Z][\w'’.\-]{{0,40}}(?<!\.)\s+|[A-Z][a-z]{{0,2}}\.[ \t])(?:{_ORG_SUFFIX})"
        rf"(?:\s+(?:{_ORG_SUFFIX}))*\b"), 0.85, gate=re.compile(rf"(?:{_ORG_SUFFIX})\b")),
    Pattern(PhiType.ORGANIZATION, re.compile(r"\b(?:St|Mt|Saint|Mount)\.?\s+[A-Z][a-z]+(?:['’]s)?"),
            0.8),
    # An institution named by what it is of: "Hospital of the University of Pennsylvania",
    # "Children's Hospital of Philadelphia" (the name before it is found above).
    Pattern(PhiType.ORGANIZATION, re.compile(
        rf"\b(?:Hospital|Infirmary|Clinic|Medical Center|Institute|University)\s+of\s+"
        rf"(?:the\s+)?{WORD}(?:\s+(?:of\s+(?:the\s+)?)?{WORD}){{0,3}}"), 0.85),
))


POSTCODE_RE = re.compile(POSTCODE)
_ZIP_AFTER = re.compile(rf"[ \t]+{POSTCODE}")
# A postcode after a word on its line ("ARENDAL 4844"), and the number a place ends in.
# (the letter before the blanks looked for behind the first blank: the scan skips to blanks)
_AFTER_WORD = re.compile(rf"[ \t](?<=[^\W\d_][ \t])[ \t]*(?P<code>{POSTCODE})")
_LAST_NUMBER = re.compile(r"\d+$")
MAX_TOWN_WORDS = 4
_TOWN_WORD = re.compile(r"[^\s,;:()]+")


def line_tail(text: str, pos: int, chars: int = 100) -> int:
    """Where the words before ``pos`` on its line start, at most ``chars`` back and never
    inside a word (so that long lines stay cheap to look back over)."""
    start = max(text.rfind("\n", 0, pos) + 1, pos - chars)
    while 0 < start < pos and not text[start - 1].isspace():
        start += 1
    return start


# What a brand names, after it: "to Stryker bed", "in Broda chair" (a town names none).
_DEVICE_AFTER = re.compile(
    r"[ \t]+(?i:beds?|boots?|chairs?|mattress|frame|pumps?|catheter|tubes?|drains?|dressings?|"
    r"collar|brace|lift|stockings?|splints?|monitor)\b")
_RARE_WORD = 10000  # English words rarer than this are no words of notes
_LETTERS = re.compile(r"[a-z]+")
_CREDENTIAL_STATES = frozenset({"MD", "PA"})  # Maryland, Pennsylvania — and MD, PA
_PLACE_PREFIX = re.compile(r"(?<![\w.])(?:North|South|East|West|New|Port|Lake|Fort|Mount|Mt\.?|"
                           r"Saint|St\.|Glen|Upper|Lower)[ \t]$")


class PlaceRecognizer:
    """Cities and towns from the US place list, where context says they are places."""

    name = "places"
    _CITY_STATE = re.compile(
        rf"(?P<city>{WORD_AT_BREAK}(?:[ \t]{WORD}){{0,2}}),[ \t]*"
        rf"(?:{_STATE_CODES}|{_STATE_NAMES})\b")
    _CUED = re.compile(
        rf"\b(?:lives|living|resides|residing|moved|relocated|born|raised|grew\s+up|located|"
        rf"traveled|travelled|visiting|visited|from|near|in|at|to|resident\s+of|native\s+of)"
        rf"\s+(?:in\s+|to\s+)?(?:the\s+)?(?P<place>{WORD}(?:\s+{WORD}){{0,2}})")

    # Where someone lives, typed in any case: "lives in catonsville", "LIVES WITH SON AND
    # FAMILY IN ROCKVILLE", "lives nearby in rockport", "lives at brackmoor".
    _RESIDENCE = re.compile(
        r"\b(?:lives|living|resides|residing|moved|relocated|home)(?:[ \t]+[\w']+){0,4}?"
        r"[ \t]+(?:in|to|near|at)[ \t]+(?:the[ \t]+)?(?P<place>[A-Za-z][\w'\-]*(?:[ \t]+[A-Za-z]"
        r"[\w'\-]*){0,2})", re.I)

    # The same cues, and a town with its state, in notes typed in capitals or lower case
    # ("FROM ROCKVILLE", "near laurel", "ANNAPOLIS, MD"), where no capital marks a name.
    _CASELESS = re.compile(
        r"\b(?:in|at|from|near|to|of|outside|lives|resides)[ \t]+(?P<place>[A-Za-z][A-Za-z'\-]*"
        r"(?:[ \t]+[A-Za-z][A-Za-z'\-]*)?)", re.I)
    # A town by the area around it: "from the westvale area", "NEAR THE DUNMORE AREA" (not
    # "in the paraspinal area", "radiating to the retrosternal area": the body's areas).
    _AREA = re.compile(r"\b(?:from|near|around)[ \t]+the[ \t]+(?P<place>[A-Za-z]+)"
                       r"[ \t]+area\b", re.I)
    _STATE_AFTER = re.compile(rf",[ \t]*(?:{_STATE_CODES})\b")
    _WORDS_BEFORE = re.compile(r"(?P<place>[A-Za-z][A-Za-z'\-]*(?:[ \t]+[A-Za-z][A-Za-z'\-]*)?)$")

    _RUN = re.compile(rf"{WORD}(?:[ \t]{WORD})+")
    # any script's capitals after the cue ("on Miletić Dale"), checked in _streets
    _ON_STREET = re.compile(
        rf"\b(?:on|of|off|along|near)\s+(?:the\s+)?"
        rf"(?P<s>(?P<w>[^\W\d_]+(?:['’\-][^\W\d_]+){{0,3}})\s+(?:{STREET_TYPES}))\b")
    _STREET_STREET = re.compile(rf"\b(?P<s>(?P<w>{WORD})\s+(?:{STREET_TYPES}))\s+street\b")
    # The town after an institution: "Johns Hopkins Hospital, Baltimore".
    _AFTER_INSTITUTION = re.compile(
        r"\b(?:Hospital|Hosp\.?|Clinic|Center|Centre|Health|General|Institute|University|"
        rf"Infirmary|Medical|Med\.?),[ \t]+(?P<place>{WORD}(?:[ \t]{WORD}){{0,2}})")

    def __init__(self, lexicons: Lexicons | None = None) -> None:
        self.lex = lexicons or load()
        # each city's regex under its rarest word ("york" of "new york"): a text holding none
        # of those words is not scanned, and one that does is scanned for its cities only
        rank = self.lex.english_rank
        by_word: dict[str, list[str]] = {}
        for city in self.lex.cities:
            rarest = max(_LETTERS.findall(city), key=lambda w: rank.get(w, len(rank)))
            by_word.setdefault(rarest, []).append(city)
        self._cities_by_word = {word: re.compile(r"(?<![\w\-])(?:" + "|".join(
            re.escape(c).replace(r"\ ", r"[ \t]+") for c in sorted(names, key=len, reverse=True))
            + r")(?![\w\-])", re.I) for word, names in by_word.items()}
        self._proper_cities = re.compile(
            r"(?<![\w\-])(?:" + "|".join(sorted(self.lex.proper_cities)) + r")(?![\w\-])", re.I)

    def _cities(self, text: str) -> Iterator[Detection]:
        """A large US city is a place without a cue, in any case ("BROTHER DRIVING UP FROM
        CINCINNATI", "flew in from Tulsa"); in sentence case only capitalised, and not where
        it names a disease or a test ("Denver shunt")."""
        words = set(_LETTERS.findall(fold(text)))
        rare = self._cities_by_word.keys() & words
        for m in (m for r in sorted(rare) for m in self._cities_by_word[r].finditer(text)):
            if text_case(text, m.start()) == "mixed" and not all(
                    w[0].isupper() for w in m.group(0).split()):
                continue
            if EPONYM_HEAD.match(text, m.end()) is None:
                yield Detection(PhiType.LOCATION, m.start(), m.end(), 0.7, "places.city")
        # a city whose name is a word too, where case says it is a name: capitalised in
        # sentence case, mid-sentence ("a retired Boston firefighter"; not "Orange urine.",
        # "BOSTON" in capitals, "Philadelphia chromosome")
        for m in self._proper_cities.finditer(text) if self.lex.proper_cities & words else ():
            name = m.group(0)
            if name[0].isupper() and name[1:].islower() and text_case(
                    text, m.start()) == "mixed" and not starts_sentence(text, m.start()) and (
                    EPONYM_HEAD.match(text, m.end()) is None):
                yield Detection(PhiType.LOCATION, m.start(), m.end(), 0.7, "places.city")

    def _multiword(self, text: str) -> Iterator[Detection]:
        """Place names of two or three capitalised words are places anywhere ("New York")."""
        for m in self._RUN.finditer(text):
            words = list(NON_SPACE.finditer(m.group(0)))
            i = 0
            while i < len(words) - 1:
                for n in (3, 2):
                    chunk = words[i:i + n]
                    name = " ".join(w.group(0) for w in chunk)
                    if len(chunk) == n and name.lower() in self.lex.places:
                        yield Detection(PhiType.LOCATION, m.start() + chunk[0].start(),
                                        m.start() + chunk[-1].end(), 0.7, "places.multiword")
                        i += n - 1
                        break
                i += 1

    def around(self, text: str, found: list[Detection]) -> Iterator[Detection]:
        """A town named with a direction or a water word before a name: "North Jamesview",
        "Port Laura", "Lake Shawn" — the prefix belongs to the place; so does a ZIP code
        right after a place ("Brownview 97518"), or one the place's last number begins
        ("Quinta do Lago 3610" + "-114", "ÖVERTURINGEN 840" + " 24")."""
        for det in found:
            if det.type in (PhiType.NAME, PhiType.LOCATION) and det.score < 0.9:
                m = _PLACE_PREFIX.search(text, max(0, det.start - 8), det.start)
                if m is not None:
                    yield Detection(PhiType.LOCATION, m.start(), det.end, 0.75,
                                    "places.prefixed")
            if det.type is PhiType.LOCATION:
                zip_code = _ZIP_AFTER.match(text, det.end)
                number = _LAST_NUMBER.search(text, det.start, det.end)
                if zip_code is None and number is not None:
                    zip_code = POSTCODE_RE.match(text, number.start())
                if zip_code is not None and zip_code.end() > det.end:
                    yield Detection(PhiType.LOCATION, det.start, zip_code.end(), det.score,
                                    "places.zip")

    def _town_postcodes(self, text: str) -> Iterator[Detection]:
        """A town of the lists, in any case, and the postcode after it on its line:
        "ARENDAL 4844", "Quinta do Lago 3610-114", "barra de carrasco 15000"."""
        for m in _AFTER_WORD.finditer(text):
            words = list(_TOWN_WORD.finditer(text, line_tail(text, m.start()), m.start()))
            words = words[-MAX_TOWN_WORDS:]
            for n in range(len(words), 0, -1):
                if self._town(text[words[-n].start():m.start()]):
                    yield Detection(PhiType.LOCATION, words[-n].start(), m.end(), 0.8,
                                    "places.postcode")
                    break

    def _town(self, name: str) -> bool:
        """A town of the lists; if of one word, no English or clinical word ("Reading 1200",
        "Normal 1234" are counts)."""
        plain = name.lower()
        return self.lex.place(plain) and (" " in plain or not self.lex.known(plain))

    def _streets(self, text: str) -> Iterator[Detection]:
        """A street named without its number: "lives on Jones Unions street", "the north side
        of Haas Bridge" — the name must be a person's or unknown, so "at Cancer Center" stays."""
        folded = fold(text)  # each tried only where its words stand
        doubled = self._STREET_STREET.finditer(text) if "street" in folded else ()
        for m in (*finditer(self._ON_STREET, text, folded), *doubled):
            plain = m.group("w").lower()
            if m.group("w")[0].isupper() and (
                    (self.lex.named(plain) and plain not in self.lex.clinical_words)
                    or not self.lex.known(plain)):
                yield Detection(PhiType.LOCATION, m.start("s"), m.end("s"), 0.75,
                                "places.street")

    def _caseless(self, text: str) -> Iterator[Detection]:
        """Towns of the list after a place cue or before a state, in a note typed without
        capitals for names: only towns no everyday, clinical or state word shares a name
        with ("in pain", "to bed", "from Maryland" name none)."""
        before_states = (self._WORDS_BEFORE.search(text, max(0, m.start() - 40), m.start())
                         for m in self._STATE_AFTER.finditer(text))
        spans = [(m, False) for m in finditer(self._CASELESS, text, fold(text))] + [
            (m, True) for m in before_states if m]
        for m, ends_there in spans:  # after a cue the town comes first; before a state, last
            words = list(NON_SPACE.finditer(m.group("place")))
            for n in range(len(words), 0, -1):
                chunk = words[-n:] if ends_there else words[:n]
                start, end = m.start("place") + chunk[0].start(), m.start("place") + chunk[-1].end()
                plain = text[start:end].lower()
                if self.lex.place(plain) and plain not in self.lex.state_names and (
                        n > 1 or self._rare_town(plain) or plain in self.lex.cities) and (
                        text_case(text, start) != "mixed") and (
                        _DEVICE_AFTER.match(text, end) is None):
                    yield Detection(PhiType.LOCATION, start, end, 0.75, "places.caseless")
                    break

    def _rare_town(self, plain: str) -> bool:
        """A town's name of one word that is no word of notes: not short ("lis"), on no
        clinical or care list, and rare in English ("catonsville", not "comfort", "orange")."""
        return (len(plain) >= 5 and plain not in SETTINGS and plain not in self.lex.vocabulary
                and plain not in self.lex.clinical_words and plain not in self.lex.common_words
                and self.lex.english_rank.get(plain, _RARE_WORD) >= _RARE_WORD)

    def analyze(self, text: str) -> Iterator[Detection]:
        yield from self._multiword(text)
        yield from self._cities(text)
        yield from self._caseless(text)
        yield from self._streets(text)
        yield from self._town_postcodes(text)
        lex = self.lex
        for m in self._CITY_STATE.finditer(text) if "," in text else ():
            city = m.group("city")
            # "Arthur Peppler, MD" is a doctor: a credential's letters need a known town
            credential = m.group(0)[-2:] in _CREDENTIAL_STATES
            if city.lower() in lex.places or (
                    city.lower() not in lex.common_words and not credential):
                yield Detection(PhiType.LOCATION, m.start("city"), m.end(), 0.9,
                                "places.city_state")
        residences = finditer(self._RESIDENCE, text, fold(text))
        institution = finditer(self._AFTER_INSTITUTION, text, fold(text)) if "," in text else ()
        for m in (*finditer(self._CUED, text, fold(text)), *institution,
                  *residences):
            if m.re is self._RESIDENCE and m.group("place").split()[0] == "DC":
                start = m.start("place")  # "lives in DC": the District is a city
                yield Detection(PhiType.LOCATION, start, start + 2, 0.8, "places.cued")
                continue
            words = m.group("place").split()
            for n in range(len(words), 0, -1):  # the longest known place name wins
                candidate = " ".join(words[:n])
                if (lex.place(candidate.lower()) and not (n == 1 and (
                        candidate.lower() in lex.common_words or candidate.lower() in lex.shorthand
                        or candidate.lower() in lex.clinical_words
                        or candidate.lower() in SETTINGS)) and (
                        m.re is not self._RESIDENCE or " " in candidate
                        or lex.english_rank.get(candidate.lower(), COMMON_RANK) >= COMMON_RANK)
                        ) or (m.re is self._RESIDENCE and n == 1 and self._unlisted(candidate)):
                    start = m.start("place")
                    if _DEVICE_AFTER.match(text, start + len(candidate)):
                        break  # a brand of a device: "moved to Stryker bed"
                    yield Detection(PhiType.LOCATION, start, start + len(candidate), 0.8,
                                    "places.cued")
                    break
        for m in self._AREA.finditer(text) if "area" in fold(text) else ():
            plain = m.group("place").lower()
            # (an unlisted word shaped as an adjective is anatomy: "from the retrocardiac area")
            if self.lex.place(plain) or (self._unlisted(plain) and not plain.endswith(
                    ("al", "ac", "ar", "ic", "ous", "ary", "eal", "ial"))):
                yield Detection(PhiType.LOCATION, m.start("place"), m.end("place"), 0.75,
                                "places.cued")

    def _unlisted(self, word: str) -> bool:
        """A town no list holds, where someone lives: a word of letters no vocabulary knows,
        or a rare name ("lives in farnhamton", "son lives in marlowe"; not "in apartment",
        "in assisted living", "in pain")."""
        plain = word.lower()
        return len(plain) >= 4 and plain.isalpha() and plain not in SETTINGS and (
            not self.lex.known(plain) or (self.lex.named(plain) and plain not in self.lex.vocabulary
                                          and plain not in self.lex.clinical_words
                                          and self.lex.english_rank.get(plain, _RARE_WORD)
                                          >= _RARE_WORD))
