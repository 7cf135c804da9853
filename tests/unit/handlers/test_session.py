"""The handlers' Session on a real store: a change and its audit row commit or fail
together, and a refused permission goes on record."""

from __future__ import annotations

import pytest

from engine.errors import NotFound, PermissionDenied
from engine.handlers.session import Session
from engine.protocol import Permission, Role
from engine.store import audit, users, vault


def _entries(store, action: str) -> list[audit.AuditEntry]:
    with store.db.locked() as conn:
        return audit.search(conn, audit.AuditQuery(action=action))


def test_a_change_and_its_audit_row_are_written_together(store) -> None:
    session = Session(store)
    with session.audited("user.add", "user", "nurse", request_data={"role": "clerk"}) as conn:
        users.insert(conn, "nurse", Role.CLERK)
    with store.db.locked() as conn:
        assert users.get(conn, "nurse").role is Role.CLERK
    [entry] = _entries(store, "user.add")
    assert (entry.user_id, entry.resource_type, entry.resource_id) == ("admin", "user", "nurse")


def test_a_failed_change_leaves_neither_the_change_nor_its_row(store) -> None:
    session = Session(store)
    with pytest.raises(NotFound), session.audited("user.disable", "user", "ghost") as conn:
        users.insert(conn, "ghost", Role.CLERK)
        users.get(conn, "nobody")  # fails after the insert: both are rolled back
    with store.db.locked() as conn, pytest.raises(NotFound):
        users.get(conn, "ghost")
    assert _entries(store, "user.disable") == []


def test_a_refused_permission_is_audited_as_denied(store) -> None:
    store.session = vault.Session("desk", Role.CLERK)
    with pytest.raises(PermissionDenied):
        Session(store).require(Permission.AUDIT_READ, "audit_log")
    [entry] = _entries(store, "audit.read")
    assert (entry.user_id, entry.response_status, entry.resource_type) == (
        "desk", "denied", "audit_log")
    assert Session(store).require("document.submit").username == "desk"
