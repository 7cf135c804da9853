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


def test_a_signature_stands_in_the_characters_its_guard_allows(eval_dir):
    """_signature tries its regexes only where _SIGNED_CHARS allow a match: on every line of
    the notes and queries (and lines of ours), each match lies where the guard looks."""
    import csv

    from engine.phi.name_rules import _SIGNATURE, _SIGNED_AFTER, _SIGNED_CHARS

    with open(eval_dir / "notes" / "mtsamples_subset_200.csv", encoding="utf-8") as fh:
        lines = [line for row in csv.DictReader(fh) for line in row["transcription"].split("\n")]
    lines += (eval_dir / "phi" / "asq_phi" / "synthetic_clinical_queries.txt").read_text(
        ).split("\n")
    lines += ["-- Q. LANDER RRT", "/ mary ſmith, ſn", "given 1400U/HR. SUSAN", "ok. ---lisa |",
              "BP 120/80.  J. Doe, RN.", "seen by team! bob", "W."]
    found = 0
    for line in lines:
        if _SIGNATURE.match(line):
            assert not line.rstrip(_SIGNED_CHARS + "/"), line
            found += 1
        m = _SIGNED_AFTER.search(line)
        if m:
            assert m.start() >= len(line.rstrip(_SIGNED_CHARS)) - 1, line
            found += 1
    assert found >= 6  # (our lines; the notes rarely end in one)
