"""A stand-in put in by the scrubber is never a clinical fact: a surrogate name that is also a
clinical word or a brand, or a shifted date, leaves the extraction."""

from __future__ import annotations

import pytest

from engine.clinical import extract_clinical
from engine.phi import Scrubber
from engine.phi.types import PhiSpan, PhiType
from engine.pipeline import without_stand_ins
from engine.protocol import ScrubPolicy

# scrubbed: "Seen by Allegra Wu. Taking Allegra 180 mg daily."
#            0       8      15 18  ...
SPANS = [PhiSpan(PhiType.NAME, 8, 18, 8, 20)]


def entity(start: int, end: int) -> dict:
    return {"type": "medication", "text": "x", "start": start, "end": end}


@pytest.mark.parametrize(("start", "end", "kept"), [
    (8, 15, False),   # inside the replaced name
    (5, 9, False),    # reaching into it
    (17, 25, False),  # from its last character on
    (18, 25, True),   # right after it
    (0, 8, True),     # right before it
    (27, 34, True),   # far away
])
def test_an_entity_overlapping_a_replaced_span_is_dropped(start, end, kept):
    out = without_stand_ins({"entities": [entity(start, end)], "sections": []}, SPANS)
    assert (out["entities"] == [entity(start, end)]) is kept
    assert out["sections"] == []


def test_several_spans_and_no_spans():
    spans = [PhiSpan(PhiType.NAME, 0, 4, 0, 4), PhiSpan(PhiType.DATE, 10, 20, 10, 18),
             PhiSpan(PhiType.PHONE, 30, 40, 28, 38)]
    entities = [entity(5, 9), entity(12, 13), entity(21, 29), entity(39, 45), entity(41, 44)]
    kept = without_stand_ins({"entities": entities}, spans)["entities"]
    assert kept == [entity(5, 9), entity(21, 29), entity(41, 44)]
    assert without_stand_ins({"entities": entities}, [])["entities"] == entities


def test_a_stand_in_that_is_a_clinical_word_is_no_fact():
    """End to end on a real scrub and extraction over 400 records' stand-ins: some stand-in
    names are clinical words ("Noma", "Amelia", "Aura") that the extractor takes for facts;
    once the replaced spans are left out, only the note's own medication remains."""
    text = ("Patient: Margaret Ellison, seen by Dr. Samuel Okafor on 03/02/2024. Daughter "
            "Anna Ruiz called.\nMEDICATIONS: Metformin 1000 mg by mouth twice daily.\n")
    facts = ("medication", "problem", "allergy", "substance", "finding")
    collisions = 0
    for n in range(400):
        scrubbed = Scrubber(ScrubPolicy.SURROGATE,
                            record_secret=n.to_bytes(4, "big") * 8).scrub(text)
        raw = extract_clinical(scrubbed.text).to_dict()
        found = without_stand_ins(raw, scrubbed.spans)
        collisions += len(raw["entities"]) != len(found["entities"])
        assert [e["text"] for e in found["entities"] if e["type"] in facts] == ["Metformin"]
    assert collisions > 0  # the case this guards against does happen with these stand-ins
