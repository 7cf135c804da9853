"""The pipeline, in a declared order: recognizers (and the site lexicon, when a site has one)
→ enhancers: extend by context (a strong name everywhere, words beside names, place prefixes,
address blocks, the organisation line of a signature, a person's or an address's
organisation) → filter by score and clinical words → widen names over initials, take a ward's
number off its name → merge overlapping spans; then replace."""

from __future__ import annotations

from engine.phi.addresses import AddressBlocks, NumberedStreetRecognizer
from engine.phi.affiliations import Affiliations
from engine.phi.ages import AGES
from engine.phi.clinical_filter import ClinicalFilter
from engine.phi.crossings import CrossingRecognizer
from engine.phi.cues import forget
from engine.phi.dates import DateRecognizer
from engine.phi.enhancers import Each, Enhancer, Extend, StrongNames
from engine.phi.facilities import FacilityRecognizer
from engine.phi.identifiers import IDENTIFIERS
from engine.phi.lexicons import Lexicons, load
from engine.phi.lower_names import LowerCaseNames
from engine.phi.merge import Merge
from engine.phi.names import NameRecognizer
from engine.phi.organizations import OrganizationRecognizer
from engine.phi.places import ADDRESSES, PlaceRecognizer
from engine.phi.recognizer import Recognizer
from engine.phi.signatures import SignatureOrganizations
from engine.phi.site_lexicon import SiteLexicon
from engine.phi.surrogates import Replacer
from engine.phi.types import Detection, PhiSpan, ScrubResult
from engine.protocol import ScrubPolicy


class Scrubber:
    def __init__(self, policy: ScrubPolicy = ScrubPolicy.SURROGATE,
                 record_secret: bytes | None = None, lexicons: Lexicons | None = None,
                 site: SiteLexicon | None = None) -> None:
        self.policy = ScrubPolicy(policy)
        self.lex = lexicons or load()
        self.replacer = Replacer(self.policy, record_secret, self.lex)
        self.names = NameRecognizer(self.lex)
        places = PlaceRecognizer(self.lex)
        self.site = site
        self.recognizers: tuple[Recognizer, ...] = (
            IDENTIFIERS, DateRecognizer(), ADDRESSES, AGES, places,
            NumberedStreetRecognizer(self.lex), CrossingRecognizer(self.lex),
            OrganizationRecognizer(self.lex), FacilityRecognizer(self.lex), self.names,
            LowerCaseNames(self.lex),
            # first among equals for the context rules: a listed ward or clinician is found
            # before the rules look around the detections
            *((site,) if site else ()),
        )
        self.enhancers: tuple[Enhancer, ...] = (
            StrongNames(self.lex, self.names.is_weak),
            Extend("names.neighbours", self.names.neighbours),
            Extend("places.around", places.around),
            Extend("addresses.blocks", AddressBlocks(self.lex).analyze),
            Extend("signatures", SignatureOrganizations(self.lex).analyze),
            Extend("affiliations", Affiliations(self.lex).analyze),
            ClinicalFilter(self.lex, self.names),
            Each("names.widen", self.names.widen),
            Each("facilities.ward_number", FacilityRecognizer.without_ward_number),
            Merge(),
        )

    def detect(self, text: str) -> list[Detection]:
        found = [d for r in self.recognizers for d in r.analyze(text)]
        try:
            for enhancer in self.enhancers:
                found = enhancer.enhance(text, found)
        finally:
            forget()
        return found

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


def scrub(text: str, policy: ScrubPolicy = ScrubPolicy.SURROGATE,
          record_secret: bytes | None = None, site: SiteLexicon | None = None) -> ScrubResult:
    return Scrubber(policy, record_secret, site=site).scrub(text)
