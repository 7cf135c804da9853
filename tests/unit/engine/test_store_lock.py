"""The data folder's engine lock: exclusive, says who holds it, free again once released.

The POSIX backend is the real ``flock`` (two opens of the file conflict even inside one
process). ``msvcrt`` does not exist here, so the Windows backend's own logic (where it seeks,
how a refusal is told) runs against a stand-in with Windows' byte-range semantics: a locked
byte refuses every other descriptor, and bytes outside it stay readable.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from engine.errors import STORE_BUSY_MESSAGE, ErrorCode, StoreBusy
from engine.store_lock import (
    LOCK_FILE,
    FlockBackend,
    MsvcrtBackend,
    StoreLock,
    platform_backend,
    read_holder,
)


def test_a_second_lock_on_the_folder_is_refused_naming_the_holder(tmp_path: Path):
    first = StoreLock(tmp_path / "data")
    assert first.acquire() and first.held
    with pytest.raises(StoreBusy) as refused:
        StoreLock(tmp_path / "data").acquire()
    assert refused.value.code is ErrorCode.STORE_BUSY
    assert refused.value.message == STORE_BUSY_MESSAGE
    assert refused.value.details["holder_pid"] == os.getpid()
    assert refused.value.details["holder_started"].endswith("Z")
    first.release()
    with StoreLock(tmp_path / "data") as second:  # free once the holder lets go
        assert second.held
    assert not second.held


def test_the_lock_file_holds_only_the_pid_and_start_time(tmp_path: Path):
    with StoreLock(tmp_path):
        holder = read_holder(tmp_path)
        assert holder.pid == os.getpid() and holder.started
        text = (tmp_path / LOCK_FILE).read_text()
    assert sorted(json.loads(text)) == ["pid", "started"]
    assert oct((tmp_path / LOCK_FILE).stat().st_mode & 0o777) == "0o600"


def test_an_unreadable_holder_text_is_unknown_not_an_error(tmp_path: Path):
    (tmp_path / LOCK_FILE).write_bytes(b"\x00garbage")
    assert read_holder(tmp_path).pid is None
    assert read_holder(tmp_path / "absent").started is None


def test_a_folder_that_cannot_hold_the_file_starts_unlocked(tmp_path: Path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    lock = StoreLock(blocker / "data")
    assert lock.acquire() is False and not lock.held


def test_this_platform_uses_flock():
    assert isinstance(platform_backend(), FlockBackend) == (sys.platform != "win32")


class _WindowsLocks:
    """``msvcrt.locking`` as Windows does it: ``nbytes`` from the current position, refused
    (OSError) to any other descriptor while locked, ``LK_UNLCK`` only by the holder."""

    LK_UNLCK, LK_NBLCK = 0, 2

    def __init__(self) -> None:
        self.locked: dict[tuple[int, int], int] = {}  # (inode, byte) -> fd

    def locking(self, fd: int, mode: int, nbytes: int) -> None:
        start = os.lseek(fd, 0, os.SEEK_CUR)
        keys = [(os.fstat(fd).st_ino, b) for b in range(start, start + nbytes)]
        if mode == self.LK_UNLCK:
            if any(self.locked.get(k) != fd for k in keys):
                raise OSError(13, "not locked by this descriptor")
            for k in keys:
                del self.locked[k]
            return
        if any(k in self.locked for k in keys):
            raise OSError(13, "Permission denied")  # what LK_NBLCK raises on Windows
        self.locked.update(dict.fromkeys(keys, fd))


def test_windows_backend_locks_a_byte_past_the_holder_text(tmp_path: Path):
    windows = _WindowsLocks()
    backend = MsvcrtBackend(windows)  # type: ignore[arg-type]
    first = StoreLock(tmp_path, backend)
    assert first.acquire()
    (byte,) = {b for _ino, b in windows.locked}
    assert byte >= len((tmp_path / LOCK_FILE).read_bytes())  # the text stays readable
    with pytest.raises(StoreBusy) as refused:
        StoreLock(tmp_path, backend).acquire()
    assert refused.value.details["holder_pid"] == os.getpid()
    first.release()
    assert not windows.locked
    with StoreLock(tmp_path, backend) as second:
        assert second.held
