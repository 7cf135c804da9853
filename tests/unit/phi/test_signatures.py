"""The organisation line of a signature or contact block, found by the block's shape, and the
line ends the shape is read by."""

from __future__ import annotations

import pytest

from engine.phi import Scrubber
from engine.phi.signatures import _content_ends

SCRUBBER = Scrubber()


def _lines(text: str) -> list[tuple[int, int]]:
    lines, pos = [], 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    return lines


@pytest.mark.parametrize("text", ["", "\n", "a\n\n  \nb \n", "  x\t\n\n", "\u2028a\n \x0c\n",
                                  "end", "Sincerely,\n\nLiisa Lepisto\nInnography\n"])
def test_a_lines_end_is_where_the_text_before_it_stops_being_blank(text):
    assert _content_ends(text, _lines(text)) == [len(text[:e].rstrip()) for _, e in _lines(text)]


def test_the_line_under_a_name_over_an_address_is_its_organisation():
    text = "Regards,\n\nLiisa Lepisto\nInnography\n25 Dili Street\nTallinn 10115\n"
    found = {text[d.start:d.end] for d in SCRUBBER.detect(text)}
    assert "Innography" in found

