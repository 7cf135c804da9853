"""The acting user's session on the open store: permission checks, reads, writes, and the
audit row that goes with each change (written in the change's own transaction)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any

from engine.errors import HntaiError, PermissionDenied
from engine.permissions import require
from engine.protocol import Permission
from engine.store import Store, audit


class Session:
    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def username(self) -> str:
        return self.store.session.username

    def require(self, permission: Permission, resource_type: str | None = None,
                resource_id: str | None = None) -> Session:
        """Go on only with the permission; a refusal goes on record."""
        permission = Permission(permission)  # a caller's plain value works too
        try:
            require(self.store.session.role, permission)
        except PermissionDenied as exc:
            self.audit_denied(permission.value, resource_type, resource_id, exc)
            raise
        return self

    def read(self) -> contextlib.AbstractContextManager[Any]:
        return self.store.db.locked()

    def write(self) -> contextlib.AbstractContextManager[Any]:
        return self.store.db.transaction()

    def audit(self, conn: Any, action: str, resource_type: str | None = None,
              resource_id: str | None = None, **fields: Any) -> None:
        """An audit row by the acting user, in the caller's transaction."""
        audit.append(conn, audit.AuditEvent(action, user_id=self.username,
                                            resource_type=resource_type,
                                            resource_id=resource_id, **fields))

    @contextlib.contextmanager
    def audited(self, action: str, resource_type: str | None = None,
                resource_id: str | None = None, **fields: Any) -> Iterator[Any]:
        """A transaction for a change whose audit row is known beforehand; the row is
        written after the change, in the same transaction."""
        with self.write() as conn:
            yield conn
            self.audit(conn, action, resource_type, resource_id, **fields)

    def audit_denied(self, action: str, resource_type: str | None, resource_id: str | None,
                     exc: PermissionDenied) -> None:
        """A refusal goes on record in its own transaction: the refused one is rolled back."""
        with self.write() as conn:
            self.audit(conn, action, resource_type, resource_id, response_status="denied",
                       error_message=exc.code.value)

    def audit_outcome(self, action: str, error: HntaiError | None,
                      data: Mapping[str, Any] | None = None, *, resource_type: str = "store",
                      resource_id: str | None = None) -> None:
        """One audit row for an admin operation that succeeded or failed (with its code)."""
        with self.write() as conn:
            self.audit(conn, action, resource_type, resource_id, request_data=data,
                       response_status="failure" if error else "success",
                       error_message=error.code.value if error else None)
