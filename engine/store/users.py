"""Staff accounts: role and status in the database, password only as a key slot."""

from __future__ import annotations

from dataclasses import dataclass

from engine.clock import utc_now_iso
from engine.errors import AlreadyExists, InvalidRequest, NotFound
from engine.protocol import Role


@dataclass(frozen=True)
class User:
    username: str
    role: Role
    disabled: bool
    created_at: str
    password_changed_at: str


_COLS = "username, role, disabled, created_at, password_changed_at"
MIN_PASSWORD_LENGTH = 8


def check_username(username: str) -> str:
    if not username or len(username) > 64 or not all(c.isalnum() or c in "._-" for c in username):
        raise InvalidRequest("user names use letters, digits, '.', '_' or '-' (max 64)")
    return username


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidRequest(f"passwords need at least {MIN_PASSWORD_LENGTH} characters")
    return password


def _from_row(row: tuple) -> User:
    return User(row[0], Role(row[1]), bool(row[2]), row[3], row[4])


def insert(conn, username: str, role: Role) -> User:
    if conn.execute("SELECT 1 FROM users WHERE username = ?", (username,)).fetchone():
        raise AlreadyExists("a user with that name exists", {"username": username})
    now = utc_now_iso()
    conn.execute(
        f"INSERT INTO users ({_COLS}) VALUES (?, ?, 0, ?, ?)", (username, role.value, now, now)
    )
    return User(username, role, False, now, now)


def get(conn, username: str) -> User:
    row = conn.execute(f"SELECT {_COLS} FROM users WHERE username = ?", (username,)).fetchone()
    if row is None:
        raise NotFound("no such user", {"username": username})
    return _from_row(row)


def list_all(conn) -> list[User]:
    return [_from_row(r) for r in conn.execute(f"SELECT {_COLS} FROM users ORDER BY username")]


def set_disabled(conn, username: str, disabled: bool) -> None:
    get(conn, username)
    conn.execute("UPDATE users SET disabled = ? WHERE username = ?", (int(disabled), username))


def touch_password(conn, username: str) -> None:
    conn.execute(
        "UPDATE users SET password_changed_at = ? WHERE username = ?", (utc_now_iso(), username)
    )
