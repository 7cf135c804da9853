"""The run's surrogate key: made once per output, kept on this machine, never in the output.

Surrogates and source hashes are HMACs under this key, so whoever holds it could test
guesses against the de-identified output; it therefore stays in the HNTAI data folder
(a 0700 folder, a 0600 file), named by the run id the manifest carries, for a resumed run
to find. ``--into-store`` moves it into the store's settings instead.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from engine.errors import InvalidRequest

KEY_BYTES = 32


def key_path(data_dir: Path, run_id: str) -> Path:
    return data_dir / "archive-keys" / f"{run_id}.key"


def new_run_id() -> str:
    return secrets.token_hex(8)


def create_key(data_dir: Path, run_id: str) -> bytes:
    path = key_path(data_dir, run_id)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    key = secrets.token_bytes(KEY_BYTES)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
        fh.flush()
        os.fsync(fh.fileno())
    return key


def load_key(data_dir: Path, run_id: str) -> bytes:
    try:
        key = key_path(data_dir, run_id).read_bytes()
    except FileNotFoundError:
        raise InvalidRequest("this output was started on another machine or its run key is "
                             "gone: resume it where it started, or use a new output folder",
                             {"run_id": run_id}) from None
    if len(key) != KEY_BYTES:
        raise InvalidRequest("the run key of this output is damaged", {"run_id": run_id})
    return key
