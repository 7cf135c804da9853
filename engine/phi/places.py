"""Geography smaller than a state, ages over 89, and organisations (hospitals, employers)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from engine.phi.lexicons import RESOURCES, Lexicons, load
from engine.phi.names import WORD
from engine.phi.recognizer import Pattern, PatternRecognizer
from engine.phi.types import Detection, PhiType

_STREET_TYPES = (
    r"Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|"
    r"Terrace|Ter|Circle|Cir|Highway|Hwy|Parkway|Pkwy|Trail|Trl|Square|Sq|Loop|Pike|Alley|"
    r"Row|Crescent|Close|Path|Run|Point|Pt|Ridge|Plaza|Expressway|Route|Rte"
)
_UNIT = (r"(?:,?\s*(?:Apt|Apartment|Suite|Ste|Unit|Bldg|Building|Floor|Fl|Room|Rm|#)\.?"
         r"\s*#?[\w\-]+)?")
_STATE_CODES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|"
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

ADDRESSES = PatternRecognizer("addresses", (
    # Where care happened: "treated at UCSF", "seen at Cedar Sinai", "admitted to NY Presbyterian"
    Pattern(PhiType.ORGANIZATION, re.compile(
        r"\b(?:seen|treated|admitted|visited|presented|transferred|referred|evaluated|"
        r"hospitali[sz]ed|followed|operated|managed|delivered|discharged|diagnosed|"
        r"examined|imaged|tested|scanned)\s+(?:at|to|in|from|by)\s+(?:the\s+|our\s+)?"
        rf"(?P<o>{_SITE})"), 0.75, group="o"),
    Pattern(PhiType.LOCATION, re.compile(
        rf"\b\d{{1,6}}[A-Z]?\s+(?:[NSEW]\.?\s+)?(?:(?:{WORD}|\d+(?:st|nd|rd|th))\s+){{1,4}}"
        rf"(?:{_STREET_TYPES})\b\.?{_UNIT}"), 0.9),
    Pattern(PhiType.LOCATION, re.compile(r"\bP\.?\s?O\.?\s+Box\s+\d+\b", re.I), 0.9),
    Pattern(PhiType.LOCATION, re.compile(
        rf"\b(?:{_STATE_CODES})\s+(?P<zip>\d{{5}}(?:-\d{{4}})?)\b"), 0.95, group="zip"),
    Pattern(PhiType.LOCATION, re.compile(
        r"\b(?:zip|zip code|postal code)\s*[:#]?\s*(?P<zip>\d{5}(?:-\d{4})?)\b", re.I),
        0.95, group="zip"),
    Pattern(PhiType.LOCATION, re.compile(rf"\b(?P<c>{WORD}(?:\s+{WORD})?)\s+(?:County|Parish)\b"),
            0.85),
    Pattern(PhiType.AGE, re.compile(
        r"\b(?P<a>9\d|1[0-1]\d)(?:\s*|-)(?:years?|yrs?|y/?o|yo)\b(?:[\s-]*old)?", re.I),
        0.9, group="a"),
    Pattern(PhiType.AGE, re.compile(r"\b(?:aged?|age:)\s*(?P<a>9\d|1[0-1]\d)\b", re.I),
            0.9, group="a"),
    Pattern(PhiType.ORGANIZATION, re.compile(
        rf"\b(?:(?:St|Mt|Saint|Mount)\.?\s+)?(?:{WORD}\s+|&\s+|of\s+|the\s+){{0,4}}?"
        rf"(?:[A-Z][\w'’.\-]*\s+)(?:{_ORG_SUFFIX})(?:\s+(?:{_ORG_SUFFIX}))*\b"), 0.85),
    Pattern(PhiType.ORGANIZATION, re.compile(r"\b(?:St|Mt|Saint|Mount)\.?\s+[A-Z][a-z]+(?:['’]s)?"),
            0.8),
    Pattern(PhiType.ORGANIZATION, re.compile(
        rf"\b(?:works?\s+(?:at|for)|employed\s+(?:at|by)|employer\s*(?:is|:))\s+(?:the\s+)?"
        rf"(?P<o>{WORD}(?:\s+(?:{WORD}|&|of))*)"), 0.85, group="o"),
))


class PlaceRecognizer:
    """Cities and towns from the US place list, where context says they are places."""

    name = "places"
    _CITY_STATE = re.compile(
        rf"\b(?P<city>{WORD}(?:[ \t]{WORD}){{0,2}}),[ \t]*(?:{_STATE_CODES}|{_STATE_NAMES})\b")
    _CUED = re.compile(
        rf"\b(?:lives|living|resides|residing|moved|relocated|born|raised|grew\s+up|located|"
        rf"traveled|travelled|visiting|visited|from|near|in|at|to)\s+(?:in\s+|to\s+)?"
        rf"(?P<place>{WORD}(?:\s+{WORD}){{0,2}})")

    def __init__(self, lexicons: Lexicons | None = None) -> None:
        self.lex = lexicons or load()

    def analyze(self, text: str) -> Iterator[Detection]:
        lex = self.lex
        for m in self._CITY_STATE.finditer(text):
            city = m.group("city")
            if city.lower() in lex.places or city.lower() not in lex.common_words:
                yield Detection(PhiType.LOCATION, m.start("city"), m.end("city"), 0.9,
                                "places.city_state")
        for m in self._CUED.finditer(text):
            words = m.group("place").split()
            for n in range(len(words), 0, -1):  # the longest known place name wins
                candidate = " ".join(words[:n])
                if candidate.lower() in lex.places and not (
                        n == 1 and candidate.lower() in lex.common_words):
                    start = m.start("place")
                    yield Detection(PhiType.LOCATION, start, start + len(candidate), 0.8,
                                    "places.cued")
                    break
