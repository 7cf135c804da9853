"""De-duplication: overlapping detections become one span, parts of one name or place are
joined, and of what still overlaps the surest, then the longest, stays."""

from __future__ import annotations

import re
from bisect import bisect_left

from engine.phi.types import Detection, PhiType

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


def merge(text: str, detections: list[Detection]) -> list[Detection]:
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


class Merge:
    """The last enhancer: non-overlapping spans in text order."""

    name = "merge"

    def enhance(self, text: str, found: list[Detection]) -> list[Detection]:
        return merge(text, found)
