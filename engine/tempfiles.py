"""A private temporary folder for the engine process and everything it starts.

OCR pipes page images to Tesseract and audio is decoded in memory, so HNTAI itself writes no
temporary files; libraries and child programs may (PyAV, CTranslate2, Tesseract configs). The
engine points ``TMPDIR``/``TMP``/``TEMP`` and ``tempfile`` at ``<data dir>/tmp`` (0700, files
0600 under the engine's umask), so anything they write stays beside the encrypted store on
the machine's data disk, not in a shared ``/tmp``. What a crash leaves there is removed at
the next start, and the folder is emptied again at a clean stop.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

TMP_DIR = "tmp"
_ENV = ("TMPDIR", "TMP", "TEMP")


def clear(folder: Path) -> int:
    """Remove everything inside ``folder``; return how many entries went."""
    removed = 0
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed += 1
    return removed


def use_private_tmp(data_dir: Path) -> tuple[Path, int]:
    """Create (or empty) the engine's temporary folder and make it this process's default;
    return it and how many leftovers of an earlier run were removed."""
    folder = data_dir / TMP_DIR
    folder.mkdir(mode=0o700, exist_ok=True)
    os.chmod(folder, 0o700)  # an existing folder may have been made with other rights
    leftovers = clear(folder)
    os.environ.update({name: str(folder) for name in _ENV})
    tempfile.tempdir = str(folder)
    return folder, leftovers
