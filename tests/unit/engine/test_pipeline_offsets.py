"""Page offsets move correctly from the original text to the scrubbed text."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from engine.pipeline import map_offset, page_of


@dataclass(frozen=True)
class Span:  # the fields of engine.phi.PhiSpan that offset mapping reads
    start: int
    end: int
    orig_start: int
    orig_end: int


# original: "Pt John Smith seen 03/04/2019 ok" -> "Pt [NAME] seen [DATE] ok"
SPANS = [Span(3, 9, 3, 13), Span(15, 21, 19, 29)]


@pytest.mark.parametrize(
    ("orig", "scrubbed"),
    [(0, 0), (3, 3), (5, 9), (13, 9), (14, 10), (19, 15), (25, 21), (29, 21), (30, 22)],
)
def test_map_offset(orig, scrubbed):
    assert map_offset(orig, SPANS) == scrubbed


def test_page_of():
    pages = [{"number": 1, "start": 0, "end": 10}, {"number": 2, "start": 12, "end": 30}]
    assert [page_of(o, pages) for o in (0, 9, 12, 29)] == [1, 1, 2, 2]
