"""The typed replies for records, documents and clinical facts: built from the JSON rows the
store keeps (``from_plain``), they hold the same values, and the entities' chunked JSON text
decodes to the same entities in the same order."""

from __future__ import annotations

import dataclasses
import json
import pickle
from types import SimpleNamespace

import pytest

from engine import protocol as p
from engine.clinical import extract_clinical
from engine.clinical.schema import ClinicalEntity as EngineEntity
from engine.pipeline import span_rows

NOTE = ("HISTORY OF PRESENT ILLNESS: Seen for hypertension. Denies chest pain.\n"
        "MEDICATIONS: Metformin 500 mg PO BID. Lisinopril 10 mg daily.\n"
        "ALLERGIES: Penicillin (hives).\n"
        "VITALS: Blood pressure 142/88 mmHg.\n")


@pytest.fixture(scope="module")
def stored() -> dict:
    """An extraction as the store keeps it (the engine's own JSON form)."""
    return json.loads(json.dumps(extract_clinical(NOTE).to_dict()))


def _plain(entity: p.ClinicalEntity) -> dict:
    return json.loads(json.dumps(dataclasses.asdict(entity)))


def test_an_entity_holds_every_field_the_engine_stores():
    engine_fields = [f.name for f in dataclasses.fields(EngineEntity)]
    reply_fields = [f.name for f in dataclasses.fields(p.ClinicalEntity)]
    assert reply_fields == [*engine_fields, "document_id"]


def test_stored_entities_round_trip(stored):
    entities = stored["entities"]
    assert {e["type"] for e in entities} >= {"problem", "medication", "allergy", "vital"}
    assert any(e["code"] for e in entities) and any(e["attributes"] for e in entities)
    for row in entities:
        assert _plain(p.ClinicalEntity.from_plain(row)) == {**row, "document_id": None}


@pytest.mark.parametrize(("row", "expected"), [
    # the fewest keys: defaults for the rest
    ({"type": "problem", "text": "asthma", "start": 3, "end": 9},
     p.ClinicalEntity("problem", "asthma", 3, 9)),
    # a code without a display; null attributes read as none (as the tables did)
    ({"type": "lab", "text": "HbA1c", "start": 0, "end": 5, "assertion": "historical",
      "code": {"system": "http://loinc.org", "code": "4548-4"}, "attributes": None,
      "section": "labs"},
     p.ClinicalEntity("lab", "HbA1c", 0, 5, "historical", p.Code("http://loinc.org", "4548-4"),
                      {}, "labs")),
    # a record's entity names its document
    ({"type": "medication", "text": "aspirin", "start": 7, "end": 14,
      "attributes": {"strength": "81 mg"}, "document_id": "D-1"},
     p.ClinicalEntity("medication", "aspirin", 7, 14, attributes={"strength": "81 mg"},
                      document_id="D-1")),
])
def test_entity_from_plain(row, expected):
    assert p.ClinicalEntity.from_plain(row) == expected


@pytest.mark.parametrize("count", [0, 1, p.ENTITY_CHUNK, p.ENTITY_CHUNK + 1,
                                   2 * p.ENTITY_CHUNK + 7])
def test_entity_chunks_decode_to_the_same_entities_in_order(count):
    rows = [{"type": "problem", "text": f"c{n}", "start": n, "end": n + 1,
             "document_id": f"D-{n % 3}"} for n in range(count)]
    chunked = p.EntityChunks.of(rows)
    assert chunked.count == count
    assert len(chunked.chunks) == -(-count // p.ENTITY_CHUNK)
    assert all(isinstance(chunk, str) for chunk in chunked.chunks)
    decoded = list(chunked.decoded())
    assert [len(c) for c in decoded] == [min(p.ENTITY_CHUNK, count - at)
                                         for at in range(0, count, p.ENTITY_CHUNK)]
    assert chunked.all() == tuple(map(p.ClinicalEntity.from_plain, rows))


def test_extraction_from_plain(stored):
    extraction = p.Extraction.from_plain({**stored, "no_known_allergies": True})
    assert extraction.no_known_allergies
    assert [_plain(e) for e in extraction.entities.all()] == [
        {**e, "document_id": None} for e in stored["entities"]]
    assert [dataclasses.asdict(s) for s in extraction.sections] == stored["sections"]
    assert extraction.sections and p.Extraction.from_plain({}) == p.Extraction()


def test_phi_spans_and_pages_round_trip():
    found = [SimpleNamespace(type="PHONE", start=30, end=42),
             SimpleNamespace(type="NAME", start=8, end=15),
             SimpleNamespace(type="NAME", start=50, end=57)]
    rows = span_rows(found)  # the stored form
    spans = p.PhiSpans.from_plain(rows)
    in_order = sorted(rows, key=lambda row: row["start"])
    assert [s._asdict() for s in spans] == in_order  # read as PhiSpan, in text order
    assert len(spans) == 3 and spans[0] == p.PhiSpan("NAME", 8, 15) and spans[1].end == 42
    assert spans.starts == [8, 30, 50] and spans.counts() == {"NAME": 2, "PHONE": 1}
    assert spans[1:] == p.PhiSpans.of([p.PhiSpan("NAME", 50, 57), p.PhiSpan("PHONE", 30, 42)])
    # rows of plain values: what the window's garbage collector does not keep track of
    assert all(type(row) is tuple for row in spans.rows)
    assert pickle.loads(pickle.dumps(spans)) == spans
    pages = [{"number": 1, "start": 0, "end": 20, "ocr": False},
             {"number": 2, "start": 20, "end": 42, "ocr": True}]
    assert [dataclasses.asdict(p.Page.from_plain(row)) for row in pages] == pages
    assert p.Page.from_plain({"number": 1, "start": 0, "end": 5}).ocr is False
