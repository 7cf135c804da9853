"""Key slots: the random database key, wrapped once per user and once for recovery.

The slots live beside the database in ``keyslots.json`` because they are needed before the
database can be opened. Each slot holds a KDF salt and parameters, the wrapped key and a MAC;
the key-encryption key (KEK) comes from scrypt over the password (or straight from the
high-entropy recovery key). Wrapping is encrypt-then-MAC with a keystream derived from the
KEK; every wrap draws a fresh salt, so no KEK ever wraps twice. Only the stdlib is needed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from engine.errors import AuthFailed, StorageUnavailable

KEY_BYTES = 32
SLOTS_FILE = "keyslots.json"
RECOVERY_SLOT = "recovery"
_FORMAT_VERSION = 1


@dataclass(frozen=True)
class ScryptParams:
    n: int = 2**15
    r: int = 8
    p: int = 1

    def derive(self, secret: bytes, salt: bytes) -> bytes:
        return hashlib.scrypt(
            secret, salt=salt, n=self.n, r=self.r, p=self.p, maxmem=128 * self.n * self.r * 2,
            dklen=KEY_BYTES,
        )


@dataclass(frozen=True)
class KeySlot:
    kdf: str  # "scrypt" for passwords, "hkdf" for the recovery key
    salt: str  # base64
    wrapped: str  # base64
    mac: str  # base64
    params: dict[str, int]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def _keystream(kek: bytes) -> bytes:
    return hmac.new(kek, b"hntai-keyslot-stream-v1", hashlib.sha256).digest()


def _mac(kek: bytes, wrapped: bytes) -> bytes:
    return hmac.new(kek, b"hntai-keyslot-mac-v1" + wrapped, hashlib.sha256).digest()


def _kek(kdf: str, secret: bytes, salt: bytes, params: dict[str, int]) -> bytes:
    if kdf == "scrypt":
        return ScryptParams(**params).derive(secret, salt)
    if kdf == "hkdf":  # recovery keys are 256 random bits: a slow KDF adds nothing
        return hmac.new(salt, secret, hashlib.sha256).digest()
    raise StorageUnavailable("key slot uses an unknown KDF", {"kdf": kdf})


def wrap_key(
    db_key: bytes, secret: bytes, *, kdf: str, params: ScryptParams | None = None
) -> KeySlot:
    salt = secrets.token_bytes(16)
    param_dict = asdict(params or ScryptParams()) if kdf == "scrypt" else {}
    kek = _kek(kdf, secret, salt, param_dict)
    wrapped = bytes(a ^ b for a, b in zip(db_key, _keystream(kek), strict=True))
    return KeySlot(kdf, _b64(salt), _b64(wrapped), _b64(_mac(kek, wrapped)), param_dict)


def unwrap_key(slot: KeySlot, secret: bytes) -> bytes:
    kek = _kek(slot.kdf, secret, _unb64(slot.salt), slot.params)
    wrapped = _unb64(slot.wrapped)
    if not hmac.compare_digest(_mac(kek, wrapped), _unb64(slot.mac)):
        raise AuthFailed("wrong user name or password")
    return bytes(a ^ b for a, b in zip(wrapped, _keystream(kek), strict=True))


def new_recovery_key() -> tuple[bytes, str]:
    """Return (raw key, printable form in groups of four base32 characters)."""
    raw = secrets.token_bytes(KEY_BYTES)
    text = base64.b32encode(raw).decode("ascii").rstrip("=")
    return raw, "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def parse_recovery_key(printable: str) -> bytes:
    text = "".join(ch for ch in printable.upper() if ch.isalnum())
    try:
        raw = base64.b32decode(text + "=" * (-len(text) % 8))
    except ValueError:
        raise AuthFailed("recovery key is not in the expected format") from None
    if len(raw) != KEY_BYTES:
        raise AuthFailed("recovery key is not in the expected format")
    return raw


def user_slot_name(username: str) -> str:
    return f"user:{username}"


class KeySlotFile:
    """Reads and atomically rewrites ``keyslots.json`` (mode 0600)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / SLOTS_FILE

    def exists(self) -> bool:
        return self.path.is_file()

    def load(self) -> dict[str, KeySlot]:
        try:
            raw = json.loads(self.path.read_text("utf-8"))
            return {name: KeySlot(**slot) for name, slot in raw["slots"].items()}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, KeyError, TypeError):
            raise StorageUnavailable("key slot file is unreadable or damaged") from None

    def get(self, name: str) -> KeySlot:
        slot = self.load().get(name)
        if slot is None:
            raise AuthFailed("wrong user name or password")
        return slot

    def put(self, name: str, slot: KeySlot) -> None:
        slots = self.load()
        slots[name] = slot
        self._write(slots)

    def remove(self, name: str) -> None:
        slots = self.load()
        if slots.pop(name, None) is not None:
            self._write(slots)

    def _write(self, slots: dict[str, KeySlot]) -> None:
        body = json.dumps(
            {"version": _FORMAT_VERSION, "slots": {k: asdict(v) for k, v in slots.items()}},
            indent=1, sort_keys=True,
        )
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(body)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
