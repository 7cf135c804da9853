"""Extraction stays linear on text with no sentence end (a one-line dump of a megabyte).

Machine speed does not enter: the per-mention scanners (medication attributes, assertion
context) are counted by the characters they are handed to read, through the functions that
cut their windows, while the real extraction runs; the 1 MB text must cost about ten times
the 100 KB one, and every mention a bounded amount. Timings are in bench/clinical_eval.py.
"""

from __future__ import annotations

import pytest

from engine.clinical import context, extract_clinical, medications

# written for this test: drugs with doses, a problem and a lab value, and no full stop
UNIT = "metformin 500 mg daily and aspirin for chest pain with potassium 4.1 then "


def _scan(monkeypatch: pytest.MonkeyPatch, size: int) -> tuple[int, int]:
    """Characters the per-mention scanners read, and the entities found, for ``size``."""
    read = [0]
    window = medications.attribute_window
    sentence = context._sentence

    def counted_window(text: str, start: int, end: int, limit: int | None = None
                       ) -> tuple[int, int]:
        line_start, item_end = window(text, start, end, limit)
        read[0] += item_end - line_start
        return line_start, item_end

    def counted_sentence(text: str, start: int, end: int) -> tuple[int, int]:
        left, right = sentence(text, start, end)
        read[0] += right - left
        return left, right

    monkeypatch.setattr(medications, "attribute_window", counted_window)
    monkeypatch.setattr(context, "_sentence", counted_sentence)
    text = (UNIT * (size // len(UNIT) + 1))[:size]
    entities = len(extract_clinical(text).entities)
    return read[0], entities


def test_a_megabyte_without_a_sentence_end_costs_ten_times_a_hundred_kilobytes(monkeypatch):
    small, small_entities = _scan(monkeypatch, 100_000)
    large, large_entities = _scan(monkeypatch, 1_000_000)
    assert small_entities > 5_000 and large_entities > 9 * small_entities  # all still found
    assert large < 12 * small
    per_mention = 2 * context._WINDOW + medications.MAX_ATTRIBUTE_DISTANCE + 200
    assert large <= per_mention * large_entities


def test_attributes_are_read_near_the_name_even_in_an_endless_sentence():
    text = UNIT * 3 + "aspirin " + "and then " * 40 + "81 mg"
    meds = extract_clinical(text).of_type("medication")
    assert meds[0].attributes["strength"] == "500 mg"
    assert "strength" not in meds[-1].attributes  # 360 characters away: not its dose
