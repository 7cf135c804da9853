"""Opening the SQLCipher file: key, pragmas, migrations, one serialised connection."""

from __future__ import annotations

import errno
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import sqlcipher3

from engine.errors import AuthFailed, HntaiError, StorageFull, StorageUnavailable
from engine.paths import STORE_FILE
from engine.store.migrations import migrate

DB_FILE = STORE_FILE


def map_storage_error(exc: BaseException) -> HntaiError:
    """Turn OS/SQLite failures into coded errors (disk full vs. unusable store)."""
    text = str(exc).lower()
    if (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "full" in text:
        return StorageFull("the data disk is full", {"error": type(exc).__name__})
    return StorageUnavailable("the data store cannot be written", {"error": type(exc).__name__})


_DISK_TROUBLE = ("full", "readonly", "disk i/o", "unable to open")


def storage_failure(exc: BaseException) -> HntaiError | None:
    """The coded error for a failed read or write of the store or the data disk, or None
    when ``exc`` is something else (a bug such as bad SQL, a bad input)."""
    if (isinstance(exc, sqlcipher3.OperationalError)
            and any(s in str(exc).lower() for s in _DISK_TROUBLE)) or (
            isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EROFS, errno.EDQUOT)):
        return map_storage_error(exc)
    return None


class Database:
    """One connection to the encrypted file, guarded by a lock.

    Only the engine process opens the store; its request loop and job runner share this
    connection, each holding the lock only for short reads and writes.
    """

    def __init__(self, path: Path, key: bytes) -> None:
        self.path = path
        self.lock = threading.RLock()
        if not path.exists():
            # Create it ourselves so that it is 0600 from the first byte.
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        self.conn = sqlcipher3.connect(str(path), check_same_thread=False, isolation_level=None)
        self.conn.execute("PRAGMA cipher_log_level = NONE")
        self.conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        try:
            self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.OperationalError as exc:  # cannot open (read-only disk …): no key issue
            self.conn.close()
            raise map_storage_error(exc) from None
        except sqlcipher3.DatabaseError:
            self.conn.close()
            raise AuthFailed("wrong user name or password") from None
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute("PRAGMA foreign_keys = ON")
        # deleted rows (retention) are overwritten, not left in free pages for a key holder
        self.conn.execute("PRAGMA secure_delete = ON")
        with self.lock:
            migrate(self.conn)

    @contextmanager
    def transaction(self) -> Iterator[sqlcipher3.Connection]:
        """BEGIN IMMEDIATE … COMMIT; a change and its audit row share one of these."""
        with self.lock:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except (sqlcipher3.Error, OSError) as exc:
                raise map_storage_error(exc) from None
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException as exc:
                # A COMMIT that failed on a full or read-only disk may already have rolled
                # back: a second ROLLBACK would then raise and hide the real cause.
                if self.conn.in_transaction:
                    with suppress(sqlcipher3.Error):
                        self.conn.execute("ROLLBACK")
                if isinstance(exc, (sqlcipher3.OperationalError, OSError)):
                    raise map_storage_error(exc) from None
                raise

    @contextmanager
    def locked(self) -> Iterator[sqlcipher3.Connection]:
        """The connection, held under the lock outside any transaction: for reads, and for
        a single statement that commits on its own."""
        with self.lock:
            yield self.conn

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self.lock:
            return self.conn.execute(sql, params).fetchall()

    def integrity_ok(self) -> bool:
        with self.lock:
            rows = self.conn.execute("PRAGMA cipher_integrity_check").fetchall()
            return not rows

    def close(self) -> None:
        with self.lock:
            self.conn.close()
