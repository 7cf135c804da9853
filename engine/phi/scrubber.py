"""The fixed pipeline: recognize → extend (a strong name everywhere, words beside names,
place prefixes, address blocks, the organisation line of a signature, a person's or an
address's organisation) → filter clinical words (and guessed names that stand, somewhere in
the text, where a drug, device or eponym stands) → widen names over titles → merge
overlapping spans → replace."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable

from engine.phi.addresses import AddressBlocks, NumberedStreetRecognizer
from engine.phi.affiliations import Affiliations
from engine.phi.ages import AGES
from engine.phi.crossings import CrossingRecognizer
from engine.phi.cues import forget
from engine.phi.dates import DateRecognizer
from engine.phi.facilities import FacilityRecognizer
from engine.phi.identifiers import IDENTIFIERS
from engine.phi.lexicons import Lexicons, load
from engine.phi.lower_names import LowerCaseNames
from engine.phi.names import NameRecognizer
from engine.phi.organizations import OrganizationRecognizer
from engine.phi.places import ADDRESSES, PlaceRecognizer
from engine.phi.recognizer import Recognizer
from engine.phi.signatures import SignatureOrganizations
from engine.phi.surrogates import Replacer
from engine.phi.types import Detection, PhiSpan, PhiType, ScrubPolicy, ScrubResult

THRESHOLD = 0.5
# What follows an eponym or a maker's name: "Chaddock reflex", "McIsaac score",
# "Framingham Risk Score", "Gerota's fascia", "Blake drain", "Pentax video colonoscope".
_EPONYM_HEAD = re.compile(
    r"(?:['’]s?)?(?:[ \t]+(?:[A-Z][a-z]+|risk|heart|pain|coma|stool|bleeding|depression|"
    r"anxiety|severity|performance|status|frailty|video|pressure|flat|fluted|compression|"
    r"suction)){0,2}[ \t]+"
    r"(?i:disease|syndrome|signs?|reflex(?:es)?|study|trial|cohort|"
    r"scores?|scales?|index|criteria|tests?|maneuver|manoeuvre|classification|staging|palsy|"
    r"phenomenon|triad|lymphoma|tumou?r|sarcoma|ulcer|fracture|node|cyst|murmur|rule|formula|"
    r"equation|questionnaire|inventory|incision|forceps|stain(?:ing)?|pouch|ligament|canal|"
    r"duct|gland|cells?|bod(?:y|ies)|virus|protein|method|technique|block|valve|shunt|"
    r"catheter|tube|line|needle|splint|nodules?|an(?:a)?emia|disorder|diverticulum|"
    r"aneurysm|hernia|contracture|deformity|dystrophy|encephalopathy|neuralgia|neuroma|"
    # devices in the singular where the plural is also a verb ("John braces", "Kim drains")
    r"operation|procedure|repair|position|stage|fascia|phenomen(?:on|a)|drain|trocars?|"
    r"scalpels?|implants?|[a-z]*scopes?|wrap|dressings?|blades?|retractors?|suture|"
    r"staplers?|pump|meter|scissors|clamp|dissectors?|curettes?|rongeurs?|"
    r"elevator|trap|stockings?|brace|collar)\b")
# Context rules are trusted over the clinical word list ("Mr. Parkinson" is a person);
# lexicon-only guesses are not ("Parkinson disease" is a condition).
_STRONG = 0.9
# Guesses by the word alone, which a drug's or device's context overrules ("Vioxx 25 mg").
_GUESSES = frozenset({"names.unknown", "names.given", "names.possessive", "names.subject"})
_JUDGED_WHOLE = frozenset({"organizations", "names.neighbour", "names.spoken"})
_FILTERED_TYPES = frozenset({PhiType.NAME, PhiType.LOCATION, PhiType.ORGANIZATION})


class Scrubber:
    def __init__(self, policy: ScrubPolicy = ScrubPolicy.SURROGATE,
                 record_secret: bytes | None = None, lexicons: Lexicons | None = None) -> None:
        self.policy = ScrubPolicy(policy)
        self.lex = lexicons or load()
        self.replacer = Replacer(self.policy, record_secret, self.lex)
        self.names = NameRecognizer(self.lex)
        self.places = PlaceRecognizer(self.lex)
        self.recognizers: tuple[Recognizer, ...] = (
            IDENTIFIERS, DateRecognizer(), ADDRESSES, AGES, self.places,
            NumberedStreetRecognizer(self.lex), CrossingRecognizer(self.lex),
            OrganizationRecognizer(self.lex), FacilityRecognizer(self.lex), self.names,
            LowerCaseNames(self.lex),
        )
        self.blocks = AddressBlocks(self.lex)
        self.signatures = SignatureOrganizations(self.lex)
        self.affiliations = Affiliations(self.lex)

    def detect(self, text: str) -> list[Detection]:
        found = [d for r in self.recognizers for d in r.analyze(text)]
        found += self._propagate(text, found)
        found += list(self.names.neighbours(text, found))
        found += list(self.places.around(text, found))
        found += list(self.blocks.analyze(text, found))
        found += list(self.signatures.analyze(text, found))
        found += list(self.affiliations.analyze(text, found))
        products = self._products(text, found)
        kept = [self.names.widen(text, d) for d in found
                if d.score >= THRESHOLD and not self._clinical(text, d, products)]
        forget()
        return _merge(text, kept)

    def scrub(self, text: str) -> ScrubResult:
        out: list[str] = []
        spans: list[PhiSpan] = []
        cursor = 0
        length = 0
        for det in self.detect(text):
            out.append(text[cursor:det.start])
            length += det.start - cursor
            fake = self.replacer.replace(det.type, text[det.start:det.end])
            spans.append(PhiSpan(det.type, length, length + len(fake), det.start, det.end))
            out.append(fake)
            length += len(fake)
            cursor = det.end
        out.append(text[cursor:])
        return ScrubResult("".join(out), tuple(spans), self.policy)

    def _products(self, text: str, found: Iterable[Detection]) -> frozenset[str]:
        """Words guessed names that stand where a drug, product or eponym stands somewhere
        in the text ("Vioxx 25 mg"): such a word is one wherever else it stands."""
        return frozenset(
            _product_key(text, d) for d in found
            if d.type is PhiType.NAME and d.source in _GUESSES
            and self.names.clinical_place(text, d.start, d.end))

    def _clinical(self, text: str, det: Detection, products: frozenset[str] = frozenset()
                  ) -> bool:
        if det.type not in _FILTERED_TYPES or det.score >= _STRONG:
            return False
        value = text[det.start:det.end].lower().replace("’", "'")
        following = text[det.end:det.end + 30].lower()
        first = value.split()[0] if value.split() else ""
        terms = self.lex.clinical_terms
        if value in terms or value.removesuffix("s") in terms or (  # "Accu-Cheks"
                f"{value} {following}".startswith(self.lex.terms_by_first_word.get(first, ()))):
            return True
        if det.type is PhiType.ORGANIZATION and det.source == "addresses" and (
                self.names.department(text[det.start:det.end].split())):
            return True  # "seen at Emergency Department": a kind of place, not its name
        service = value.rpartition(" of ")[2] if " of " in value else ""
        if det.type is PhiType.ORGANIZATION and service and all(
                w in self.lex.clinical_words for w in service.split()):
            return True  # "Dr. Anna Berg of Hematology Oncology": a person and her service
        if " " not in value and _EPONYM_HEAD.match(text, det.end):
            return True  # "Chaddock reflex", "Framingham Risk Score": an eponym, not a person
        if det.source in _GUESSES and _product_key(text, det) in products:
            return True  # "Vioxx 25 mg daily", "circle of Willis": a drug, an eponym
        words = re.findall(r"[a-z]+", value.replace("'s", ""))
        # A company's name by its shape is judged whole ("Blood Group" is a term, "Jones
        # Group" not), and so is a name by its context ("Szczepanik and Murphy", "name is
        # Johnson"); any other guess made only of clinical words is clinical ("Murphy").
        return (det.source not in _JUDGED_WHOLE and bool(words)
                and all(w in self.lex.clinical_words for w in words))

    def _propagate(self, text: str, found: Iterable[Detection]) -> list[Detection]:
        """A name found in a strong context is a name wherever else it appears."""
        tokens: set[str] = set()
        for det in found:
            if det.type is PhiType.NAME and det.score >= _STRONG:
                for word in re.findall(r"[A-Za-zÀ-ÿ'’\-]{3,}", text[det.start:det.end]):
                    plain = word.lower()
                    english = plain in self.lex.english_rank and not (
                        plain in self.lex.given_names or plain in self.lex.surnames)
                    if not self.names.is_weak(word) and not english:  # not "She" after "X."
                        tokens.add(word)
        if not tokens:
            return []
        pattern = re.compile(
            r"\b(" + "|".join(sorted((re.escape(t) for t in tokens), key=len, reverse=True))
            + r")\b", re.IGNORECASE)
        return [Detection(PhiType.NAME, m.start(), m.end(), 0.9, "names.propagated")
                for m in pattern.finditer(text) if m.group(0)[0].isupper()]


def _product_key(text: str, det: Detection) -> str:
    """A product's name without a maker's suffix or possessive ("Darvocet-N" → "darvocet")."""
    word = _LEADING_WORD.match(text, det.start)
    return word.group(0).lower() if word else ""


_LEADING_WORD = re.compile(r"[^\W\d_]+")


# What may sit between two parts of one name or place: a space, a hyphen, an initial, a
# particle ("Dyan van Gijn", "Maika van de Noort").
_JOINABLE = re.compile(r"[ \t]{1,2}(?:[A-Z]\.?[ \t]{1,2})?|-|[ \t](?:van|von|de|der|den|ten|"
                       r"ter|da|di|du|le|la|del|della|dos|das|bin|ibn|al)(?:[ \t](?:de|der|den|"
                       r"la))?[ \t]")
_JOINED_TYPES = frozenset({PhiType.NAME, PhiType.LOCATION})
_WORD_TYPES = frozenset({PhiType.NAME, PhiType.LOCATION, PhiType.ORGANIZATION})
# Numbers and codes that overlap ("0341 8387176" a phone, "8387176" an ID) become one span.
_NUMBER_TYPES = frozenset({PhiType.PHONE, PhiType.FAX, PhiType.SSN, PhiType.MRN, PhiType.ID,
                           PhiType.HEALTH_PLAN, PhiType.ACCOUNT, PhiType.LICENSE,
                           PhiType.VEHICLE, PhiType.DEVICE, PhiType.BIOMETRIC})
# A span ending in a full stop that is not an initial's ("Jr.", "MD.") ends its sentence.
_SENTENCE_END = re.compile(r"(?<!\b[A-Z])\.$")


# An institution and where it is: "Mayo Clinic in Rochester, MN", "Hospital of Philadelphia".
_ORG_PLACE = re.compile(r",[ \t]*|[ \t]+(?:in|of)[ \t]+|[ \t]")


def _with_places(text: str, detections: list[Detection]) -> list[Detection]:
    """An organisation followed by its town becomes one organisation span."""
    places = {d.start: d for d in detections if d.type is PhiType.LOCATION}
    out = []
    for det in detections:
        if det.type is PhiType.ORGANIZATION:
            gap = _ORG_PLACE.match(text, det.end)
            place = places.get(gap.end()) if gap else None
            if place is not None:
                det = Detection(det.type, det.start, place.end, max(det.score, place.score),
                                det.source)
        out.append(det)
    return out


def _joinable(text: str, last: Detection, det: Detection) -> bool:
    """Parts of one name or place ("Szabina J Gelencsér")."""
    if det.type is not last.type or det.type not in _JOINED_TYPES:
        return False
    # only its last characters can end a sentence: a long joined span is not searched again
    return (not _SENTENCE_END.search(text, max(last.start, last.end - 1), last.end)
            and _JOINABLE.fullmatch(text, last.end, det.start) is not None)


def _numbered_place(text: str, det: Detection) -> bool:
    return det.type is PhiType.LOCATION and any(c.isdigit() for c in text[det.start:det.end])


def _coalesce(text: str, detections: list[Detection]) -> list[Detection]:
    """Join overlapping detections of one type ("Eleanor Whitcombe" + "Whitcombe"), and
    neighbouring names ("Szabina" + "J" + "Gelencsér") into one. Names, places and
    organisations that overlap become one span, so that none of them is lost: it takes the
    type of the one that starts first ("Mayo Clinic in Rochester" + "Rochester, MN"); so do
    overlapping numbers and codes."""
    detections = _with_places(text, detections)

    def group(det: Detection) -> str:
        if det.type in _WORD_TYPES:
            return "words"
        return "numbers" if det.type in _NUMBER_TYPES else det.type.value

    out: list[Detection] = []
    for det in sorted(detections, key=lambda d: (group(d), d.start, -d.score)):
        last = out[-1] if out else None
        if last is not None and group(last) == group(det) and (
                det.start < last.end or _joinable(text, last, det)):
            # Words take the type of the first ("Mayo Clinic in" + "Rochester") unless the
            # other is a street with its number ("Pod Hradbami 1677"); numbers that of the
            # surest ("MRN #SF-9988" over the bare code shape).
            kind = det.type if (det.score > last.score if group(det) == "numbers"
                                else _numbered_place(text, det)) else last.type
            out[-1] = Detection(kind, last.start, max(last.end, det.end),
                                max(last.score, det.score), last.source)
        else:
            out.append(det)
    return out


def _merge(text: str, detections: list[Detection]) -> list[Detection]:
    """Non-overlapping detections: higher score first, then the longer span."""
    chosen: list[Detection] = []  # in text order, so only two neighbours can overlap
    starts: list[int] = []
    for det in sorted(_coalesce(text, detections),
                      key=lambda d: (-d.score, -(d.end - d.start), d.start)):
        i = bisect_left(starts, det.start)
        if (i and chosen[i - 1].end > det.start) or (i < len(chosen)
                                                      and chosen[i].start < det.end):
            continue
        chosen.insert(i, det)
        starts.insert(i, det.start)
    return chosen


def scrub(text: str, policy: ScrubPolicy = ScrubPolicy.SURROGATE,
          record_secret: bytes | None = None) -> ScrubResult:
    return Scrubber(policy, record_secret).scrub(text)
