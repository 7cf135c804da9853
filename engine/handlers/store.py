"""The store itself: create, unlock, lock, back up, restore, shut the engine down."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine import protocol as p
from engine.errors import HntaiError, InvalidRequest
from engine.handlers.session import Session
from engine.store import Store, backup
from engine.store import create as create_store
from engine.store import unlock as unlock_store
from engine.store import unlock_with_recovery as recover_store

if TYPE_CHECKING:
    from engine.service import EngineService


def init(engine: EngineService, req: p.InitStore) -> p.InitResult:
    if engine.store is not None:
        raise InvalidRequest("a store is already open")
    store, recovery = create_store(engine.data_dir, req.admin, req.password)
    engine.open(store)
    return p.InitResult(req.admin, recovery)


def unlock(engine: EngineService, req: p.Unlock) -> p.UserInfo:
    return _adopt(engine, unlock_store(engine.data_dir, req.username, req.password))


def unlock_recovery(engine: EngineService, req: p.UnlockWithRecovery) -> p.UserInfo:
    return _adopt(engine, recover_store(engine.data_dir, req.recovery_key, req.username))


def _adopt(engine: EngineService, store: Store) -> p.UserInfo:
    """First login opens the store; a later one (unlock after idle lock, user switch) only
    changes who is acting, so running jobs carry on."""
    if engine.store is None:
        engine.open(store)
    else:
        engine.store.session = store.session
        store.close()
    assert engine.store is not None
    return p.UserInfo(engine.store.session.username, engine.store.session.role, False)


def lock(engine: EngineService, _req: Any) -> None:
    engine.lock()


def shutdown(engine: EngineService, _req: Any) -> None:
    engine.shutdown()


def backup_store(engine: EngineService, req: p.BackupStore) -> p.BackupManifest:
    session = engine.require(p.Permission.USER_ADMIN, "store")
    store = session.store
    try:
        manifest = backup.write_backup(store.db, store.data_dir, Path(req.path))
    except HntaiError as exc:
        with contextlib.suppress(HntaiError):  # a full disk refuses the audit row too
            session.audit_outcome("store.backup", exc)
        raise
    session.audit_outcome("store.backup", None, {
        "audit_entries": manifest.audit_entries, "db_bytes": manifest.db_bytes})
    return manifest


def restore_store(engine: EngineService, req: p.RestoreStore) -> p.RestoreResult:
    """Only a backup that passed every check replaces the store (admin of the backup, and
    of the open store if one is open); the replaced files are kept aside."""
    live = engine.require(p.Permission.USER_ADMIN, "store") if engine.store is not None else None
    replaced = None
    try:
        with backup.checked_backup(engine.data_dir, Path(req.path), req.username,
                                   req.password) as checked:
            if not req.check_only:
                engine.lock()
                replaced = backup.swap_in(checked, engine.data_dir)
    except HntaiError as exc:
        if live is not None and engine.store is live.store:
            with contextlib.suppress(HntaiError):
                live.audit_outcome("store.restore", exc)
        raise
    info = p.RestoreResult(checked.manifest, not req.check_only, replaced)
    if req.check_only:
        if live is not None:
            live.audit_outcome("store.restore_check", None,
                               {"audit_entries": checked.manifest.audit_entries})
        return info
    store = unlock_store(engine.data_dir, req.username, req.password)
    Session(store).audit_outcome("store.restore", None, {
        "backup_created_at": checked.manifest.created_at,
        "audit_entries": checked.manifest.audit_entries, "replaced": replaced})
    engine.open(store)
    return info


HANDLERS = {p.InitStore: init, p.Unlock: unlock, p.UnlockWithRecovery: unlock_recovery,
            p.Lock: lock, p.Shutdown: shutdown, p.BackupStore: backup_store,
            p.RestoreStore: restore_store}
