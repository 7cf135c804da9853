"""One engine per data folder: an exclusive lock on ``<data dir>/engine.lock``.

The engine process takes it before it touches anything in the folder (its temporary files,
the store) and holds it for its whole life. It is an OS lock on an open file (``flock`` on
POSIX, ``msvcrt.locking`` on Windows), so the kernel drops it when the holder ends however it
ends, SIGKILL included: a lock left by a dead engine cannot exist, and nothing ever has to
guess whether a lock is stale. A second engine on the folder is refused with ``STORE_BUSY``.

The file also says who holds it (process id and start time, nothing else) for that refusal.
On Windows a locked byte cannot even be read by another process, so the lock is on a byte
past that text rather than on the text itself.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Protocol

from engine.errors import STORE_BUSY_MESSAGE, StoreBusy

LOCK_FILE = "engine.lock"
_INFO_MAX = 512  # the holder's text is far shorter; the Windows lock byte lies past it

log = logging.getLogger("hntai.store_lock")


@dataclass(frozen=True)
class Holder:
    """Who holds the lock, as the holder wrote it (None where it could not be read)."""

    pid: int | None
    started: str | None


class _Backend(Protocol):
    def try_lock(self, fd: int) -> bool: ...
    def unlock(self, fd: int) -> None: ...


class FlockBackend:
    """POSIX: ``flock`` on the whole file, advisory, released when the descriptor closes."""

    def try_lock(self, fd: int) -> bool:
        import fcntl

        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def unlock(self, fd: int) -> None:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


class MsvcrtBackend:
    """Windows: ``msvcrt.locking`` of one byte past the holder's text, non-blocking (one
    attempt; ``LK_NBLCK`` raises OSError when another process has the byte)."""

    def __init__(self, msvcrt: ModuleType) -> None:
        self.msvcrt = msvcrt

    def try_lock(self, fd: int) -> bool:
        os.lseek(fd, _INFO_MAX, os.SEEK_SET)
        try:
            self.msvcrt.locking(fd, self.msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def unlock(self, fd: int) -> None:
        os.lseek(fd, _INFO_MAX, os.SEEK_SET)
        self.msvcrt.locking(fd, self.msvcrt.LK_UNLCK, 1)


def platform_backend() -> _Backend:
    if sys.platform == "win32":
        import msvcrt

        return MsvcrtBackend(msvcrt)
    return FlockBackend()


def read_holder(data_dir: Path) -> Holder:
    """The holder's process id and start time as it wrote them; unknown fields are None."""
    try:
        with open(data_dir / LOCK_FILE, "rb") as fh:
            info = json.loads(fh.read(_INFO_MAX).decode("utf-8").strip() or "{}")
    except (OSError, ValueError):
        return Holder(None, None)
    pid, started = info.get("pid"), info.get("started")
    return Holder(pid if isinstance(pid, int) else None,
                  started if isinstance(started, str) else None)


class StoreLock:
    """The data folder's engine lock, held from ``acquire`` until ``release`` or the end of
    the process."""

    def __init__(self, data_dir: Path, backend: _Backend | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / LOCK_FILE
        self.backend = backend or platform_backend()
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        """Take the lock, or raise ``StoreBusy`` naming the holder. Returns False, holding
        nothing, only where the folder cannot hold a lock file at all (a read-only disk
        without one, a missing drive): no store can be written there either, and the engine
        still starts so that its store requests fail with their STORAGE_* codes."""
        fd = self._open()
        if fd is None:
            log.warning("store_lock_unavailable")
            return False
        if not self.backend.try_lock(fd):
            os.close(fd)
            holder = read_holder(self.data_dir)
            raise StoreBusy(STORE_BUSY_MESSAGE, {"holder_pid": holder.pid,
                                                 "holder_started": holder.started})
        self._fd = fd
        self._write_holder(fd)
        return True

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            self.backend.unlock(fd)
        os.close(fd)

    def __enter__(self) -> StoreLock:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()

    def _open(self) -> int | None:
        """Read-write, made owner-only if new; an existing file on a read-only disk is
        opened read-only (``flock`` and ``LockFile`` need no write access)."""
        flags = getattr(os, "O_BINARY", 0)  # Windows: no newline translation
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            return os.open(self.path, os.O_RDWR | os.O_CREAT | flags, 0o600)
        except OSError:
            pass
        try:
            return os.open(self.path, os.O_RDONLY | flags)
        except OSError:
            return None

    def _write_holder(self, fd: int) -> None:
        """Best effort: a full disk must not stop the engine, and the lock works without it."""
        started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        text = json.dumps({"pid": os.getpid(), "started": started}).encode("utf-8")
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, text + b"\n")
