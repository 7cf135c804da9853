"""Online, encrypted backups of the store, and restores that check before they replace.

A backup is one tar file with three members:

* ``hntai.db`` — a copy made by ``sqlcipher_export`` on the open connection while its lock is
  held, so no write lands in the middle (online and consistent). The copy is encrypted with
  the same database key: nothing is ever written in the clear.
* ``keyslots.json`` — the key slots as they were, so that the same passwords and the recovery
  key open the copy.
* ``manifest.json`` — format, time, schema version, audit-chain head and the SHA-256 of the
  other two members.

A restore unpacks into a private staging folder inside the data directory, checks the
hashes, opens the copy with the given admin's password, runs ``cipher_integrity_check``,
``integrity_check`` and the audit-chain check, and only then moves the current files aside
(``pre-restore-<time>/``, kept: a restore never deletes data) and the checked ones in.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import secrets
import shutil
import tarfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import sqlcipher3

from engine.clock import utc_now_iso
from engine.errors import (
    AlreadyExists,
    AuditChainBroken,
    AuthFailed,
    CorruptFile,
    FileNotFound,
    StorageUnavailable,
)
from engine.protocol import BackupManifest, Role  # the backup reply carries the manifest as it is
from engine.store import audit, users
from engine.store.database import DB_FILE, Database, map_storage_error
from engine.store.keyslots import SLOTS_FILE, KeySlotFile, unwrap_key, user_slot_name

FORMAT = 1
MANIFEST = "manifest.json"
_MEMBERS = (MANIFEST, SLOTS_FILE, DB_FILE)
_SIDE_FILES = (DB_FILE, f"{DB_FILE}-wal", f"{DB_FILE}-shm", SLOTS_FILE)
_CHUNK = 1 << 20


@dataclass(frozen=True)
class CheckedBackup:
    """A backup unpacked into ``folder`` that passed every check."""

    folder: Path
    manifest: BackupManifest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def _staging(data_dir: Path, prefix: str) -> Iterator[Path]:
    """A 0700 folder beside the store (same filesystem, so moving out of it is atomic),
    removed whatever happens."""
    folder = data_dir / f".{prefix}-{secrets.token_hex(4)}"
    try:
        folder.mkdir(mode=0o700)
    except OSError as exc:
        raise map_storage_error(exc) from None
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _export(db: Database, target: Path) -> tuple[int, int, str]:
    """Copy the open database into ``target`` under the same key; return (schema version,
    audit entries, audit head hash) as of the copy."""
    with db.lock:
        conn = db.conn
        live = audit.verify(conn)
        if not live.ok:
            raise AuditChainBroken("the audit chain is broken: a backup would carry it",
                                   {"first_broken_id": live.first_broken_id})
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        # Without a KEY clause SQLCipher encrypts the attached file with the main key.
        conn.execute("ATTACH DATABASE ? AS backup", (str(target),))
        try:
            conn.execute("SELECT sqlcipher_export('backup')")
            conn.execute(f"PRAGMA backup.user_version = {int(version)}")
            _check_attached(conn, live.entries)
        finally:
            conn.execute("DETACH DATABASE backup")
        head = conn.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return version, live.entries, head[0] if head else audit.GENESIS_HASH


def _check_attached(conn, audit_entries: int) -> None:
    """The copy reads back whole: every page decrypts and verifies, the b-trees are sound
    and it holds the audit chain the live store holds."""
    if conn.execute("PRAGMA backup.cipher_integrity_check").fetchall():
        raise StorageUnavailable("the backup copy failed its encryption check")
    if conn.execute("PRAGMA backup.integrity_check").fetchone()[0] != "ok":
        raise StorageUnavailable("the backup copy failed its integrity check")
    copied = conn.execute("SELECT count(*) FROM backup.audit_log").fetchone()[0]
    if copied != audit_entries:
        raise StorageUnavailable("the backup copy lacks audit entries")


def write_backup(db: Database, data_dir: Path, out: Path) -> BackupManifest:
    """Write the backup archive to ``out`` (mode 0600, atomically: all or nothing)."""
    out = out.expanduser().resolve()
    if out.exists():
        raise AlreadyExists("the backup file exists already: choose a new name")
    if not out.parent.is_dir():
        raise FileNotFound("the backup folder does not exist")
    with _staging(data_dir, "backup") as folder:
        copy = folder / DB_FILE
        try:
            version, entries, head = _export(db, copy)
            shutil.copyfile(KeySlotFile(data_dir).path, folder / SLOTS_FILE)
            manifest = BackupManifest(
                FORMAT, utc_now_iso(), version, entries, head, copy.stat().st_size,
                _sha256(copy), _sha256(folder / SLOTS_FILE))
            _pack(folder, manifest, out)
        except (sqlcipher3.OperationalError, OSError) as exc:
            raise map_storage_error(exc) from None
    return manifest


def _pack(folder: Path, manifest: BackupManifest, out: Path) -> None:
    partial = out.with_name(f".{out.name}.{secrets.token_hex(4)}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            with tarfile.open(fileobj=fh, mode="w", format=tarfile.PAX_FORMAT) as tar:
                body = json.dumps(asdict(manifest), indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode, info.mtime = len(body), 0o600, int(time.time())
                tar.addfile(info, io.BytesIO(body))
                for name in (SLOTS_FILE, DB_FILE):
                    tar.add(folder / name, arcname=name, recursive=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _unpack(archive: Path, folder: Path) -> BackupManifest:
    """Copy the three expected members out (nothing else, no links, no paths)."""
    try:
        with tarfile.open(archive, mode="r:") as tar:
            members = {m.name: m for m in tar.getmembers()}
            if set(members) != set(_MEMBERS) or not all(m.isfile() for m in members.values()):
                raise CorruptFile("this is not an HNTAI backup")
            for name in _MEMBERS:
                source = tar.extractfile(members[name])
                fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as fh:
                    shutil.copyfileobj(source, fh, _CHUNK)
    except FileNotFoundError:
        raise FileNotFound("the backup file does not exist") from None
    except (tarfile.TarError, EOFError):
        raise CorruptFile("the backup file is damaged") from None
    try:
        manifest = BackupManifest(**json.loads((folder / MANIFEST).read_text("utf-8")))
    except (ValueError, TypeError):
        raise CorruptFile("the backup's manifest is damaged") from None
    if manifest.format != FORMAT:
        raise CorruptFile("the backup was written in an unknown format",
                          {"format": manifest.format})
    if (_sha256(folder / DB_FILE) != manifest.db_sha256
            or _sha256(folder / SLOTS_FILE) != manifest.keyslots_sha256):
        raise CorruptFile("the backup's contents do not match its manifest")
    return manifest


def _check_copy(folder: Path, manifest: BackupManifest, username: str, password: str) -> None:
    """Open the unpacked copy as ``username`` and check it from the encryption up."""
    key = unwrap_key(KeySlotFile(folder).get(user_slot_name(username)),
                     password.encode("utf-8"))
    db = Database(folder / DB_FILE, key)
    try:
        with db.lock:
            conn = db.conn
            user = users.get(conn, username)
            if user.role is not Role.ADMIN or user.disabled:
                raise AuthFailed("only an enabled admin account of the backup can restore it")
            if not db.integrity_ok():
                raise StorageUnavailable("the backup failed its encryption check")
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise StorageUnavailable("the backup failed its integrity check")
            chain = audit.verify(conn)
            last = conn.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        db.close()
    if not chain.ok:
        raise AuditChainBroken("the backup's audit chain is broken",
                               {"first_broken_id": chain.first_broken_id})
    if chain.entries != manifest.audit_entries or (last and last[0]) != manifest.audit_head:
        raise AuditChainBroken("the backup's audit chain differs from its manifest")


@contextlib.contextmanager
def checked_backup(data_dir: Path, archive: Path, username: str,
                   password: str) -> Iterator[CheckedBackup]:
    """Unpack and check ``archive``; the staging folder is removed when the block ends."""
    with _staging(data_dir, "restore") as folder:
        try:
            manifest = _unpack(archive.expanduser().resolve(), folder)
            _check_copy(folder, manifest, username, password)
        except OSError as exc:
            raise map_storage_error(exc) from None
        yield CheckedBackup(folder, manifest)


def swap_in(checked: CheckedBackup, data_dir: Path) -> str | None:
    """Move the current store aside and the checked copy in; return the folder name the
    old files went to (None when there were none). The store must be closed."""
    aside = data_dir / f"pre-restore-{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(2)}"
    present = [name for name in _SIDE_FILES if (data_dir / name).exists()]
    try:
        if present:
            aside.mkdir(mode=0o700)
            for name in present:
                os.replace(data_dir / name, aside / name)
        for name in (SLOTS_FILE, DB_FILE):
            os.replace(checked.folder / name, data_dir / name)
        dir_fd = os.open(data_dir, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError as exc:
        raise map_storage_error(exc) from None
    return aside.name if present else None
