"""Creating and unlocking the store: the only place that handles the database key."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from engine.errors import (
    AlreadyExists,
    AuthFailed,
    HntaiError,
    StoreNotInitialized,
)
from engine.protocol import Role
from engine.store import audit, users
from engine.store.database import DB_FILE, Database, map_storage_error
from engine.store.keyslots import (
    KEY_BYTES,
    RECOVERY_SLOT,
    KeySlotFile,
    ScryptParams,
    new_recovery_key,
    parse_recovery_key,
    unwrap_key,
    user_slot_name,
    wrap_key,
)
from engine.store.login_guard import LoginGuard


@dataclass(frozen=True)
class Session:
    username: str
    role: Role


class Store:
    """An unlocked store: the open database plus the key needed to add or rewrap slots."""

    def __init__(self, data_dir: Path, db: Database, key: bytes, session: Session,
                 kdf: ScryptParams) -> None:
        self.data_dir = data_dir
        self.db = db
        self.session = session
        self._key = key
        self._slots = KeySlotFile(data_dir)
        self._kdf = kdf

    def set_password(self, username: str, password: str) -> None:
        """Rewrap the key under a new password; the data itself is not re-encrypted."""
        users.check_password(password)
        self._slots.put(
            user_slot_name(username),
            wrap_key(self._key, password.encode("utf-8"), kdf="scrypt", params=self._kdf),
        )

    def remove_password(self, username: str) -> None:
        """Drop the user's key slot: a disabled account's password must not open the store,
        not even with the file copied off this machine. Enabling it again needs a new one."""
        self._slots.remove(user_slot_name(username))

    def close(self) -> None:
        self.db.close()
        self._key = b""


def store_exists(data_dir: Path) -> bool:
    return (data_dir / DB_FILE).is_file() and KeySlotFile(data_dir).exists()


def prepare_data_dir(data_dir: Path) -> None:
    try:
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise map_storage_error(exc) from None


def create(
    data_dir: Path, admin: str, password: str, *, kdf: ScryptParams | None = None
) -> tuple[Store, str]:
    """Create a new store with one admin; return it and the printable recovery key."""
    users.check_username(admin)
    users.check_password(password)
    prepare_data_dir(data_dir)
    if (data_dir / DB_FILE).exists() or KeySlotFile(data_dir).exists():
        raise AlreadyExists("a store already exists in this data directory")
    kdf = kdf or ScryptParams()
    key = secrets.token_bytes(KEY_BYTES)
    recovery_raw, recovery_text = new_recovery_key()
    slots = KeySlotFile(data_dir)
    slots.put(RECOVERY_SLOT, wrap_key(key, recovery_raw, kdf="hkdf"))
    slots.put(user_slot_name(admin), wrap_key(key, password.encode("utf-8"), kdf="scrypt",
                                                params=kdf))
    db = Database(data_dir / DB_FILE, key)
    with db.transaction() as conn:
        users.insert(conn, admin, Role.ADMIN)
        audit.append(conn, audit.AuditEvent(
            "store.create", user_id=admin, resource_type="store",
            request_data={"kdf": "scrypt", "n": kdf.n, "r": kdf.r, "p": kdf.p},
        ))
    return Store(data_dir, db, key, Session(admin, Role.ADMIN), kdf), recovery_text


def unlock(data_dir: Path, username: str, password: str, *,
           guard: LoginGuard | None = None) -> Store:
    """Open the store as ``username``; every failure is kept for the audit trail."""
    if not store_exists(data_dir):
        raise StoreNotInitialized("no HNTAI store here yet: run `hntai init` first",
                                  {"data_dir": str(data_dir)})
    guard = guard or LoginGuard(data_dir)
    guard.check(username)
    try:
        slot = KeySlotFile(data_dir).get(user_slot_name(username))
        key = unwrap_key(slot, password.encode("utf-8"))
    except AuthFailed as exc:
        guard.record(username, exc.message)
        raise
    return _open(data_dir, key, username, guard, "login", ScryptParams(**slot.params))


def unlock_with_recovery(data_dir: Path, recovery_key: str, username: str) -> Store:
    """IT's recovery path: the recovery key opens the store on behalf of an admin account."""
    if not store_exists(data_dir):
        raise StoreNotInitialized("no HNTAI store here yet: run `hntai init` first")
    guard = LoginGuard(data_dir)
    guard.check(username)
    try:
        key = unwrap_key(KeySlotFile(data_dir).get(RECOVERY_SLOT), parse_recovery_key(recovery_key))
    except AuthFailed as exc:
        guard.record(username, exc.message)
        raise
    store = _open(data_dir, key, username, guard, "login.recovery", ScryptParams())
    if store.session.role is not Role.ADMIN:
        store.close()
        raise AuthFailed("the recovery key can only be used with an admin account")
    return store


def _open(data_dir: Path, key: bytes, username: str, guard: LoginGuard, action: str,
          kdf: ScryptParams) -> Store:
    try:
        db = Database(data_dir / DB_FILE, key)
    except OSError as exc:
        raise map_storage_error(exc) from None
    try:
        with db.transaction() as conn:
            for failure in guard.pending():
                audit.append(conn, audit.AuditEvent(
                    "login", user_id=failure.username, resource_type="session",
                    response_status="failure", error_message=failure.reason,
                    timestamp=failure.timestamp,
                ))
            try:
                user = users.get(conn, username)
            except HntaiError:
                user = None
            if user is None or user.disabled:
                reason = "account disabled" if user else "unknown account"
                audit.append(conn, audit.AuditEvent(
                    action, user_id=username, resource_type="session",
                    response_status="failure", error_message=reason,
                ))
            else:
                audit.append(conn, audit.AuditEvent(action, user_id=username,
                                                    resource_type="session"))
            # Accounts disabled before their key slots were dropped with them
            # (Store.remove_password) lose them now.
            disabled = [u.username for u in users.list_all(conn) if u.disabled]
        guard.audited(username)
        slots = KeySlotFile(data_dir)
        for name in disabled:
            slots.remove(user_slot_name(name))
    except BaseException:
        db.close()
        raise
    if user is None or user.disabled:
        db.close()
        raise AuthFailed("wrong user name or password, or the account is disabled")
    return Store(data_dir, db, key, Session(username, user.role), kdf)
