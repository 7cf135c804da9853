"""Records, settings and the summary cache on a real store."""

from __future__ import annotations

import pytest

from engine import protocol as p
from engine.errors import InvalidRequest, NotFound
from engine.store import documents, records, settings, summaries


def test_records_have_their_own_secret(store):
    with store.db.transaction() as conn:
        a = records.store(conn, records.pending(), "admin")
        b = records.store(conn, records.pending(), "admin")
    assert a.id != b.id and a.secret != b.secret and len(a.secret) == 32
    with store.db.lock:
        assert records.get(store.db.conn, a.id).secret == a.secret
        with pytest.raises(NotFound):
            records.get(store.db.conn, "R-missing")


@pytest.mark.parametrize(
    ("key", "value", "ok"),
    [("scrub.policy", "redact", True), ("jobs.max_attempts", 5, True),
     ("jobs.max_attempts", "5", False), ("jobs.max_attempts", True, False),
     ("jobs.max_attempts", 21, False), ("retention.days", -1, False),
     ("display.replaced_values", "badges", False), ("no.such.key", 1, False)],
)
def test_settings_are_typed(store, key, value, ok):
    with store.db.transaction() as conn:
        if ok:
            settings.put(conn, key, value)
            assert settings.get(conn, key) == value
        else:
            with pytest.raises(InvalidRequest):
                settings.put(conn, key, value)
            assert key not in settings.all_settings(conn) or \
                settings.get(conn, key) == p.SETTINGS_SCHEMA[key].default  # nothing stored


def test_summary_cache_hit_and_lru_prune(store):
    with store.db.transaction() as conn:
        rec = records.store(conn, records.pending(), "admin")
        first = summaries.insert(conn, record_id=rec.id, document_ids=["D-1"], cache_key="k1",
                                 model="extractive", markdown="# A", content={"footer": "kept"},
                                 created_by="admin")
        summaries.insert(conn, record_id=rec.id, document_ids=["D-2"], cache_key="k2",
                         model="extractive", markdown="# B", content={"b": 1}, created_by=None)
        assert summaries.cached(conn, "k1").id == first.id  # touching k1 makes k2 the oldest
        assert summaries.cached(conn, "nope") is None
        assert summaries.prune(conn, keep=1) == 1
        assert summaries.cached(conn, "k2") is None
        assert summaries.get(conn, first.id).content.footer == "kept"


def test_a_document_is_read_whole_or_by_part(store):
    with store.db.transaction() as conn:
        rec = records.store(conn, records.pending(), "admin")
        doc_id = documents.insert(conn, documents.NewDocument(
            record_id=rec.id, job_id=None, source_name="note.txt", sha256="0" * 64,
            kind="text", mime="text/plain", size_bytes=20, page_count=1, ocr_pages=0,
            status="ok", scrubbed_text="Seen by Ann Lee today.",
            phi_spans=[{"type": "NAME", "start": 8, "end": 15}],
            pages=[{"number": 1, "start": 0, "end": 22, "ocr": False}],
            extraction={"entities": [{"type": "problem", "start": 0, "end": 4}]}))
        whole = documents.get_content(conn, doc_id)
        text = documents.get_content(conn, doc_id, "text")
        extraction = documents.get_content(conn, doc_id, "extraction")
    assert (text.scrubbed_text, text.phi_spans, text.pages) == \
        (whole.scrubbed_text, whole.phi_spans, whole.pages)
    assert text.extraction is None and whole.extraction is not None
    assert extraction.extraction == whole.extraction
    assert (extraction.scrubbed_text, extraction.phi_spans, extraction.pages) == (None, [], [])
    assert text.meta == extraction.meta == whole.meta
