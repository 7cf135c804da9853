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


@pytest.mark.parametrize(("query", "expected_ids"), [
    (audit.AuditQuery(), ["J-2", "J-1", "J-0", "R-1", "R-0"]),  # newest first
    (audit.AuditQuery(user_id="bob"), ["R-1", "R-0"]),
    (audit.AuditQuery(action="record"), ["R-1", "R-0"]),  # a prefix of the action
    (audit.AuditQuery(action="rec%"), []),  # LIKE wildcards are literal
    (audit.AuditQuery(since="2026-03-02"), ["J-2", "J-1", "J-0"]),
    (audit.AuditQuery(until="2026-03-01"), ["R-1", "R-0"]),  # the whole day of a date
    (audit.AuditQuery(limit=2), ["J-2", "J-1"]),
])
def test_search_filters_for_the_viewer(store, query, expected_ids):
    rows = [("record.read", "bob", "2026-03-01T08:00:00+00:00"),
            ("record.read", "bob", "2026-03-01T23:59:59+00:00"),
            *[("job.submit", "admin", "2026-03-02T09:00:00+00:00")] * 3]
    counters = {"record.read": 0, "job.submit": 0}
    for action, user, stamp in rows:
        prefix = "R" if action.startswith("record") else "J"
        with store.db.transaction() as conn:
            audit.append(conn, audit.AuditEvent(
                action, user_id=user, resource_type="x",
                resource_id=f"{prefix}-{counters[action]}", timestamp=stamp))
        counters[action] += 1
    found = [e.resource_id for e in audit.search(store.db.conn, query)
             if e.resource_id and e.resource_id[:2] in ("R-", "J-")]
    assert found == expected_ids
