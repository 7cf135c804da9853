"""Opening a submitted file: where it really is, whether it may be read, and its name as it
may be stored.

A submitted path may be a link, or pass through linked folders. It is followed only to a
regular file outside the data directory and outside the denied system folders; the file is
then opened once, without following a link in its last component (``O_NOFOLLOW``), and the
readers read that open file (on Linux through ``/proc/self/fd``), so a link swapped in after
the check reaches nothing. Every refusal is coded and names neither the path nor the file.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from engine.errors import FileNotFound, FileTooLarge, ForbiddenPath, UnsupportedFormat

_FD_DIR = Path("/proc/self/fd")


@dataclass(frozen=True)
class SourcePolicy:
    """What a submitted file may not be: inside the data directory or a denied folder."""

    data_dir: Path
    denied: tuple[Path, ...]

    def refusal(self, real: Path) -> str | None:
        """Why ``real`` (a path without links) may not be read, or None."""
        if _inside(real, [self.data_dir]):
            return "data folder"
        if _inside(real, self.denied):
            return "system folder"
        return None


@dataclass(frozen=True)
class Source:
    """An open submitted file: ``path`` reads exactly the file that was checked."""

    path: Path
    size: int

    def check_size(self, max_bytes: int) -> None:
        """Refused before it is read or sniffed (audio too)."""
        if self.size > max_bytes:
            raise FileTooLarge("the file is larger than allowed",
                               {"size": self.size, "max_bytes": max_bytes})


def _real(path: Path) -> Path:
    """``path`` with every link resolved; a missing target, a loop or a refusal by the OS
    is a coded error."""
    try:
        return Path(os.path.realpath(path, strict=True))
    except FileNotFoundError:
        # A link whose target is missing is reported as the missing file it leads to.
        raise FileNotFound("the file does not exist") from None
    except PermissionError:
        raise FileNotFound("the file cannot be opened: permission denied") from None
    except NotADirectoryError:
        raise FileNotFound("the file does not exist") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise FileNotFound("the file cannot be reached: its links form a loop") from None
        raise FileNotFound("the file cannot be opened", {"errno": exc.errno}) from None


def _inside(path: Path, roots: Iterable[Path]) -> bool:
    for root in roots:
        real_root = Path(os.path.realpath(root))  # /etc may itself be a link (macOS)
        for candidate in {root, real_root}:
            if path == candidate or candidate in path.parents:
                return True
    return False


@contextmanager
def open_source(path: Path, policy: SourcePolicy) -> Iterator[Source]:
    """Check and open a submitted file for the length of a job's extraction."""
    real = _real(Path(path))
    reason = policy.refusal(real)
    if reason is not None:
        raise ForbiddenPath("files cannot be read from this folder", {"reason": reason})
    try:
        info = os.stat(real)
    except OSError:
        raise FileNotFound("the file does not exist") from None
    if stat.S_ISDIR(info.st_mode):
        raise UnsupportedFormat("a folder is not a document")
    if not stat.S_ISREG(info.st_mode):  # a pipe or device would block or never end
        raise UnsupportedFormat("only regular files can be read as documents")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(real, flags)
    except PermissionError:
        raise FileNotFound("the file cannot be opened: permission denied") from None
    except OSError as exc:  # ELOOP: the last component became a link after the check
        raise FileNotFound("the file changed while it was opened",
                           {"errno": exc.errno}) from None
    try:
        opened = os.fstat(fd)
        if (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
            raise FileNotFound("the file changed while it was opened")
        by_fd = _FD_DIR / str(fd)
        readable = by_fd if sys.platform.startswith("linux") and _FD_DIR.is_dir() else real
        yield Source(readable, opened.st_size)
    finally:
        os.close(fd)


# Characters a stored name never carries as they are: controls (a newline would split a
# line of a listing), bidirectional and other format marks (an RTL override shows
# "cod.exe" as "exe.doc"), and lone surrogates (bytes that were not UTF-8).
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def stored_name(name: str) -> str:
    """A file name as it may be stored and shown: printable Unicode only. Bytes that were
    not UTF-8 (surrogate-escaped by the OS layer) become ``\\xNN``, other invisible or
    control characters ``\\uNNNN``, and a backslash is doubled, so the form is unambiguous."""
    out: list[str] = []
    for char in name:
        code = ord(char)
        if char == "\\":
            out.append("\\\\")
        elif 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's escape of an undecodable byte
            out.append(f"\\x{code - 0xDC00:02x}")
        elif unicodedata.category(char) in _ESCAPED_CATEGORIES:
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(char)
    return "".join(out) or "document"
