"""The clinical vocabulary a structured document names itself: its coded concepts' display
names and reactions, its table column headings and section titles. Wherever the narrative
shows one of those terms whole, the scrubber's guess of a person, place or organisation
inside it ("Hives" as a surname, "Onset" of "Age At Onset" as a town) is undone: the
document has said what the words are. Dates and identifiers are never undone."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

_GUESSED = frozenset({"NAME", "LOCATION", "ORGANIZATION"})
_MIN_CHARS = 3  # shorter terms ("L", "IM") are abbreviations, not names a guess could be


def term_ranges(text: str, vocabulary: Iterable[str]) -> list[tuple[int, int]]:
    """Where the terms stand in ``text`` as whole words (case-insensitive), merged."""
    terms = sorted({" ".join(t.split()) for t in vocabulary if len(t.strip()) >= _MIN_CHARS},
                   key=len, reverse=True)
    if not terms:
        return []
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(
        r"\s+".join(map(re.escape, term.split())) for term in terms) + r")(?!\w)", re.I)
    merged: list[tuple[int, int]] = []
    for match in pattern.finditer(text):
        if merged and match.start() <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], match.end()))
        else:
            merged.append((match.start(), match.end()))
    return merged


def _inside(start: int, end: int, ranges: Sequence[tuple[int, int]]) -> bool:
    i = bisect.bisect_right(ranges, (start, float("inf"))) - 1
    return i >= 0 and ranges[i][0] <= start and end <= ranges[i][1]


def keep_vocabulary(original: str, scrubbed: Any, vocabulary: Iterable[str]) -> Any:
    """``scrubbed`` (a ScrubResult of ``original``) with the guesses inside the document's
    own vocabulary put back; the other spans keep their replacements, moved to match."""
    ranges = term_ranges(original, vocabulary)
    spans = sorted(scrubbed.spans, key=lambda s: s.orig_start)
    if not any(str(getattr(s.type, "value", s.type)) in _GUESSED
               and _inside(s.orig_start, s.orig_end, ranges) for s in spans):
        return scrubbed
    parts: list[str] = []
    kept = []
    length = cursor = 0  # in the new text; in the scrubbed text
    for span in spans:
        between = scrubbed.text[cursor:span.start]
        parts.append(between)
        length += len(between)
        if str(getattr(span.type, "value", span.type)) in _GUESSED and \
                _inside(span.orig_start, span.orig_end, ranges):
            word = original[span.orig_start:span.orig_end]
        else:
            word = scrubbed.text[span.start:span.end]
            kept.append(replace(span, start=length, end=length + len(word)))
        parts.append(word)
        length += len(word)
        cursor = span.end
    parts.append(scrubbed.text[cursor:])
    return replace(scrubbed, text="".join(parts), spans=tuple(kept))
