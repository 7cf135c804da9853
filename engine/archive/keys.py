"""The run's surrogate key: made once per output, kept on this machine, never in the output.

Surrogates and source hashes are HMACs under this key, so whoever holds it could test
guesses against the de-identified output; it therefore stays in the HNTAI data folder
(a 0700 folder, a 0600 file), named by the run id the manifest carries, for a resumed run
to find. ``--into-store`` moves it into the store's secrets instead (``store_secrets``, in
the encrypted store, under ``archive.run_key.<run id>``): the file goes once the store holds
the key, and a later run on the same output with a signed-in user finds it there.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from engine.errors import InvalidRequest

KEY_BYTES = 32
STORE_PREFIX = "archive.run_key."


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


def store_name(run_id: str) -> str:
    return STORE_PREFIX + run_id


def keep_in_store(conn, run_id: str, key: bytes) -> None:
    """Inside the caller's write transaction; a key already kept stays as it is."""
    conn.execute("INSERT OR IGNORE INTO store_secrets (name, value) VALUES (?, ?)",
                 (store_name(run_id), key))


def stored_key(conn, run_id: str) -> bytes | None:
    row = conn.execute("SELECT value FROM store_secrets WHERE name = ?",
                       (store_name(run_id),)).fetchone()
    return bytes(row[0]) if row else None


def remove_file(data_dir: Path, run_id: str) -> None:
    """Once the store holds the key: the plain copy on disk goes."""
    key_path(data_dir, run_id).unlink(missing_ok=True)


def load_key(data_dir: Path, run_id: str, conn=None) -> bytes:
    """The run key from its file, else (``conn``: an unlocked store) from the store."""
    try:
        key = key_path(data_dir, run_id).read_bytes()
    except FileNotFoundError:
        key = stored_key(conn, run_id) if conn is not None else None
        if key is None:
            raise InvalidRequest("this output was started on another machine or its run key "
                                 "is gone or in the store (then name a user): resume it where "
                                 "it started, or use a new output folder",
                                 {"run_id": run_id}) from None
    if len(key) != KEY_BYTES:
        raise InvalidRequest("the run key of this output is damaged", {"run_id": run_id})
    return key
