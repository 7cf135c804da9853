"""The fixed pipeline: recognize → propagate names → filter clinical words → merge → replace."""

from __future__ import annotations

import re
from collections.abc import Iterable

from engine.phi.dates import DateRecognizer
from engine.phi.identifiers import IDENTIFIERS
from engine.phi.lexicons import Lexicons, load
from engine.phi.names import NameRecognizer
from engine.phi.places import ADDRESSES, PlaceRecognizer
from engine.phi.recognizer import Recognizer
from engine.phi.surrogates import Replacer
from engine.phi.types import Detection, PhiSpan, PhiType, ScrubPolicy, ScrubResult

THRESHOLD = 0.5
# Context rules are trusted over the clinical word list ("Mr. Parkinson" is a person);
# lexicon-only guesses are not ("Parkinson disease" is a condition).
_STRONG = 0.9
_FILTERED_TYPES = frozenset({PhiType.NAME, PhiType.LOCATION, PhiType.ORGANIZATION})


class Scrubber:
    def __init__(self, policy: ScrubPolicy = ScrubPolicy.SURROGATE,
                 record_secret: bytes | None = None, lexicons: Lexicons | None = None) -> None:
        self.policy = ScrubPolicy(policy)
        self.lex = lexicons or load()
        self.replacer = Replacer(self.policy, record_secret, self.lex)
        self.names = NameRecognizer(self.lex)
        self.recognizers: tuple[Recognizer, ...] = (
            IDENTIFIERS, DateRecognizer(), ADDRESSES, PlaceRecognizer(self.lex), self.names,
        )

    def detect(self, text: str) -> list[Detection]:
        found = [d for r in self.recognizers for d in r.analyze(text)]
        found += self._propagate(text, found)
        kept = [d for d in found if d.score >= THRESHOLD and not self._clinical(text, d)]
        return _merge(kept)

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

    def _clinical(self, text: str, det: Detection) -> bool:
        if det.type not in _FILTERED_TYPES or det.score >= _STRONG:
            return False
        value = text[det.start:det.end].lower().replace("’", "'")
        following = text[det.end:det.end + 30].lower()
        if value in self.lex.clinical_terms or f"{value} {following}".startswith(
                tuple(t for t in _terms_starting(self.lex, value))):
            return True
        words = re.findall(r"[a-z]+", value.replace("'s", ""))
        return bool(words) and all(w in self.lex.clinical_words for w in words)

    def _propagate(self, text: str, found: Iterable[Detection]) -> list[Detection]:
        """A name found in a strong context is a name wherever else it appears."""
        tokens: set[str] = set()
        for det in found:
            if det.type is PhiType.NAME and det.score >= _STRONG:
                for word in re.findall(r"[A-Za-zÀ-ÿ'’\-]{3,}", text[det.start:det.end]):
                    if not self.names.is_weak(word):
                        tokens.add(word)
        if not tokens:
            return []
        pattern = re.compile(
            r"\b(" + "|".join(sorted((re.escape(t) for t in tokens), key=len, reverse=True))
            + r")\b", re.IGNORECASE)
        return [Detection(PhiType.NAME, m.start(), m.end(), 0.9, "names.propagated")
                for m in pattern.finditer(text) if m.group(0)[0].isupper()]


def _terms_starting(lex: Lexicons, value: str) -> list[str]:
    return _TERM_INDEX.setdefault(id(lex), _index(lex)).get(value.split()[0], []) if value else []


_TERM_INDEX: dict[int, dict[str, list[str]]] = {}


def _index(lex: Lexicons) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for term in lex.clinical_terms:
        index.setdefault(term.split()[0].replace("'s", ""), []).append(term)
        index.setdefault(term.split()[0], []).append(term)
    return index


def _coalesce(detections: list[Detection]) -> list[Detection]:
    """Join overlapping detections of one type ("Eleanor Whitcombe" + "Whitcombe")."""
    out: list[Detection] = []
    for det in sorted(detections, key=lambda d: (d.type.value, d.start)):
        last = out[-1] if out else None
        if last is not None and last.type is det.type and det.start < last.end:
            out[-1] = Detection(det.type, last.start, max(last.end, det.end),
                                max(last.score, det.score), last.source)
        else:
            out.append(det)
    return out


def _merge(detections: list[Detection]) -> list[Detection]:
    """Non-overlapping detections: higher score first, then the longer span."""
    chosen: list[Detection] = []
    for det in sorted(_coalesce(detections),
                      key=lambda d: (-d.score, -(d.end - d.start), d.start)):
        if all(det.end <= c.start or det.start >= c.end for c in chosen):
            chosen.append(det)
    return sorted(chosen, key=lambda d: d.start)


def scrub(text: str, policy: ScrubPolicy = ScrubPolicy.SURROGATE,
          record_secret: bytes | None = None) -> ScrubResult:
    return Scrubber(policy, record_secret).scrub(text)
