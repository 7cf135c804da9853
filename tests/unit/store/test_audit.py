"""The audit hash chain catches edits, deletions and truncation."""

from __future__ import annotations

import itertools
import json

import pytest

from engine.store import audit


def _fill(store, n: int = 5) -> None:
    for i in range(n):
        with store.db.transaction() as conn:
            audit.append(conn, audit.AuditEvent("job.submit", user_id="admin",
                                                resource_type="job", resource_id=f"J-{i}"))


def test_chain_verifies_and_links(store):
    _fill(store)
    entries = list(audit.entries(store.db.conn))
    assert audit.verify(store.db.conn).ok
    assert entries[0].prev_hash == audit.GENESIS_HASH
    for prev, cur in itertools.pairwise(entries):
        assert cur.prev_hash == prev.hash and cur.id == prev.id + 1


def test_triggers_refuse_plain_edits(store):
    _fill(store, 1)
    with pytest.raises(Exception, match="append-only"):
        store.db.conn.execute("UPDATE audit_log SET action = 'x' WHERE id = 1")
    with pytest.raises(Exception, match="append-only"):
        store.db.conn.execute("DELETE FROM audit_log WHERE id = 1")


def _tamper(store, sql: str) -> None:
    conn = store.db.conn
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("DROP TRIGGER audit_no_delete")
    conn.execute(sql)


@pytest.mark.parametrize(
    ("sql", "broken_id", "reason"),
    [
        ("UPDATE audit_log SET user_id = 'mallory' WHERE id = 3", 3, "altered"),
        ("UPDATE audit_log SET phi_accessed = 1 WHERE id = 2", 2, "altered"),
        ("DELETE FROM audit_log WHERE id = 4", 4, "missing"),
        ("DELETE FROM audit_log WHERE id = 6", 6, "removed from the end"),
    ],
)
def test_tampering_is_detected(store, sql, broken_id, reason):
    _fill(store)  # ids 1 (store.create) .. 6
    _tamper(store, sql)
    result = audit.verify(store.db.conn)
    assert not result.ok
    assert result.first_broken_id == broken_id
    assert reason in result.reason


def test_rehashed_edit_still_breaks_the_next_link(store):
    _fill(store)
    entry = next(e for e in audit.entries(store.db.conn) if e.id == 3)
    _tamper(store, f"UPDATE audit_log SET hash = '{'f' * 64}', user_id = 'x' WHERE id = 3")
    result = audit.verify(store.db.conn)
    assert not result.ok and result.first_broken_id == 3
    assert entry.hash != "f" * 64


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_has_every_entry(store, fmt):
    _fill(store, 3)
    text = "".join(audit.export(store.db.conn, fmt))
    if fmt == "jsonl":
        rows = [json.loads(line) for line in text.splitlines()]
        assert [r["id"] for r in rows] == [1, 2, 3, 4]
        assert {"prev_hash", "hash", "workstation", "phi_accessed"} <= rows[0].keys()
    else:
        lines = text.strip().splitlines()
        assert lines[0].startswith("id,timestamp,user_id,action")
        assert len(lines) == 5
