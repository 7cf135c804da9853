"""Finding a record by MRN with only a keyed hash stored, and the record label."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from engine.errors import AlreadyExists, InvalidRequest
from engine.store import records

MRN = "AB-0047 1193"


def _every_value(conn):
    """Every value of every row of every table of the decrypted store."""
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    for table in tables:
        for row in conn.execute(f"SELECT * FROM {table}"):
            yield from row


def test_the_same_mrn_typed_differently_finds_the_record(store):
    with store.db.transaction() as conn:
        a = records.store(conn, records.pending(), "admin")
        records.store(conn, records.pending(), "admin")
        assert records.find_by_mrn(conn, MRN) is None  # nothing linked yet
        assert records.set_mrn(conn, a.id, MRN).mrn_linked
        for typed in ("ab00471193", " AB 0047-1193 ", "MRN: AB.0047.1193", "ＡＢ００４７１１９３"):
            assert records.find_by_mrn(conn, typed).id == a.id
        assert records.find_by_mrn(conn, "AB00471194") is None  # exact, not near
        assert records.find_by_mrn(conn, "0047 1193") is None


def test_only_an_hmac_is_stored_under_a_key_inside_the_store(store, data_dir):
    with store.db.transaction() as conn:
        rec = records.store(conn, records.pending(), "admin")
        records.set_mrn(conn, rec.id, MRN)
        stored = conn.execute("SELECT mrn_hash FROM records WHERE id = ?", (rec.id,)).fetchone()[0]
        key = conn.execute("SELECT value FROM store_secrets WHERE name = ?",
                           (records.MRN_KEY,)).fetchone()[0]
        values = list(_every_value(conn))
    assert len(key) == 32
    assert stored == hmac.new(key, b"AB00471193", hashlib.sha256).hexdigest()
    assert stored != hashlib.sha256(b"AB00471193").hexdigest()  # keyed, not a plain hash
    # parts long enough that a timestamp or a random hex id cannot hold them by chance
    for needle in ("AB00471193", "AB-0047 1193", "AB0047", "00471193"):
        assert not any(needle in v for v in values if isinstance(v, str)), needle
        assert not any(needle.encode() in v for v in values if isinstance(v, bytes)), needle
    # the key and the MRN are in no file on disk in the clear (the store is encrypted)
    store.close()
    for path in data_dir.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            assert bytes(key) not in raw and b"AB00471193" not in raw, path.name
            assert stored.encode() not in raw, path.name


def test_two_stores_hash_the_same_mrn_differently(store, tmp_path, fast_kdf):
    from engine.store import create
    other, _ = create(tmp_path / "other", "admin", "another pass phrase 9", kdf=fast_kdf)
    try:
        hashes = []
        for s in (store, other):
            with s.db.transaction() as conn:
                rec = records.store(conn, records.pending(), "admin")
                records.set_mrn(conn, rec.id, MRN)
                hashes.append(conn.execute("SELECT mrn_hash FROM records WHERE id = ?",
                                           (rec.id,)).fetchone()[0])
        assert hashes[0] != hashes[1]
    finally:
        other.close()


def test_an_mrn_belongs_to_one_record_and_can_be_unlinked(store):
    with store.db.transaction() as conn:
        a = records.store(conn, records.pending(), "admin")
        b = records.store(conn, records.pending(), "admin")
        records.set_mrn(conn, a.id, MRN)
        with pytest.raises(AlreadyExists) as refused:
            records.set_mrn(conn, b.id, "ab00471193")
        assert "0047" not in str(refused.value) and refused.value.details == {"record_id": a.id}
        records.set_mrn(conn, a.id, MRN)  # the same link again is no conflict
        assert not records.set_mrn(conn, a.id, "").mrn_linked
        assert records.find_by_mrn(conn, MRN) is None
        assert records.set_mrn(conn, b.id, MRN).mrn_linked


@pytest.mark.parametrize("typed", ["", "   ", "MRN:", "12 34 ?", "x" * 41, "١٢٣"])
def test_a_malformed_mrn_is_refused_without_quoting_it(store, typed):
    with store.db.transaction() as conn:
        rec = records.store(conn, records.pending(), "admin")
        for attempt in (lambda: records.find_by_mrn(conn, typed),
                        lambda: records.set_mrn(conn, rec.id, typed.strip() or "?")):
            with pytest.raises(InvalidRequest) as refused:
                attempt()
            assert typed.strip() == "" or typed.strip() not in str(refused.value)


def test_labels_are_one_clean_line_and_show_in_the_list(store):
    with store.db.transaction() as conn:
        rec = records.store(conn, records.pending(), "admin")
        assert records.set_label(conn, rec.id, "  Knee   clinic\n follow-up ").label == \
            "Knee clinic follow-up"
        listed = {r.id: r for r in records.list_all(conn)}
        assert listed[rec.id].label == "Knee clinic follow-up"
        assert listed[rec.id].document_count == 0 and not listed[rec.id].mrn_linked
        assert records.set_label(conn, rec.id, " ").label is None
        with pytest.raises(InvalidRequest):
            records.set_label(conn, rec.id, "x" * (records.MAX_LABEL + 1))
        with pytest.raises(InvalidRequest):
            records.set_label(conn, rec.id, "tab\x00null")
