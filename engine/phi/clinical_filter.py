"""The score filter: detections below the threshold go, and so do guessed names, places and
organisations that are clinical words ("Murphy's sign", "Blood Group", "seen at Emergency
Department") or drugs and eponyms by where they stand ("Vioxx 25 mg", "Chaddock reflex")."""

from __future__ import annotations

import re
from collections.abc import Iterable

from engine.phi.enhancers import STRONG
from engine.phi.facilities import WARD_SOURCE
from engine.phi.lexicons import Lexicons
from engine.phi.names import NameRecognizer
from engine.phi.text_pieces import folded_word
from engine.phi.types import Detection, PhiType

THRESHOLD = 0.5
# What follows an eponym or a maker's name: "Chaddock reflex", "McIsaac score",
# "Framingham Risk Score", "Gerota's fascia", "Blake drain", "Pentax video colonoscope".
EPONYM_HEAD = re.compile(
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
    r"chromosome|translocation|"
    # devices in the singular where the plural is also a verb ("John braces", "Kim drains")
    r"operation|procedure|repair|position|stage|fascia|phenomen(?:on|a)|drain|trocars?|"
    r"scalpels?|implants?|[a-z]*scopes?|wrap|dressings?|blades?|retractors?|suture|"
    r"staplers?|pump|meter|scissors|clamp|dissectors?|curettes?|rongeurs?|"
    r"elevator|trap|stockings?|brace|collar)\b")
# Guesses by the word alone, which a drug's or device's context overrules ("Vioxx 25 mg").
_GUESSES = frozenset({"names.unknown", "names.given", "names.possessive", "names.subject"})
_JUDGED_WHOLE = frozenset({"organizations", "names.neighbour", "names.spoken", WARD_SOURCE})
_FILTERED_TYPES = frozenset({PhiType.NAME, PhiType.LOCATION, PhiType.ORGANIZATION})
_LEADING_WORD = re.compile(r"[^\W\d_]+")
_LETTERS = re.compile(r"[a-z]+")


class ClinicalFilter:
    """Context rules are trusted over the clinical word list ("Mr. Parkinson" is a person);
    lexicon-only guesses are not ("Parkinson disease" is a condition)."""

    name = "clinical_filter"

    def __init__(self, lex: Lexicons, names: NameRecognizer) -> None:
        self.lex = lex
        self.names = names

    def enhance(self, text: str, found: list[Detection]) -> list[Detection]:
        products = self._products(text, found)
        return [d for d in found
                if d.score >= THRESHOLD and not self.clinical(text, d, products)]

    def _products(self, text: str, found: Iterable[Detection]) -> frozenset[str]:
        """Words guessed names that stand where a drug, product or eponym stands somewhere
        in the text ("Vioxx 25 mg"): such a word is one wherever else it stands."""
        return frozenset(
            _product_key(text, d) for d in found
            if d.type is PhiType.NAME and d.source in _GUESSES
            and self.names.clinical_place(text, d.start, d.end))

    def clinical(self, text: str, det: Detection, products: frozenset[str] = frozenset()
                 ) -> bool:
        if det.type not in _FILTERED_TYPES or det.score >= STRONG:
            return False
        value = folded_word(text[det.start:det.end])
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
        if " " not in value and EPONYM_HEAD.match(text, det.end):
            return True  # "Chaddock reflex", "Framingham Risk Score": an eponym, not a person
        if det.source in _GUESSES and _product_key(text, det) in products:
            return True  # "Vioxx 25 mg daily", "circle of Willis": a drug, an eponym
        words = _LETTERS.findall(value.replace("'s", ""))
        # A company's name by its shape is judged whole ("Blood Group" is a term, "Jones
        # Group" not), and so is a name by its context ("Szczepanik and Murphy", "name is
        # Johnson"); any other guess made only of clinical words is clinical ("Murphy").
        return (det.source not in _JUDGED_WHOLE and bool(words)
                and all(w in self.lex.clinical_words for w in words))


def _product_key(text: str, det: Detection) -> str:
    """A product's name without a maker's suffix or possessive ("Darvocet-N" → "darvocet")."""
    word = _LEADING_WORD.match(text, det.start)
    return word.group(0).lower() if word else ""
