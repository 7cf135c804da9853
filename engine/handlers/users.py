"""Users: add, disable or enable, set a password, list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine import protocol as p
from engine.errors import InvalidRequest
from engine.store import users

if TYPE_CHECKING:
    from engine.service import EngineService


def add_user(engine: EngineService, req: p.AddUser) -> p.UserInfo:
    session = engine.require(p.Permission.USER_ADMIN, "user", req.username)
    users.check_username(req.username)
    users.check_password(req.password)
    try:
        role = p.Role(req.role)
    except ValueError:
        raise InvalidRequest("role must be admin, clinician or clerk") from None
    with session.audited("user.add", "user", req.username,
                         request_data={"role": role.value}) as conn:
        users.insert(conn, req.username, role)
    session.store.set_password(req.username, req.password)
    return p.UserInfo(req.username, role, False)


def disable_user(engine: EngineService, req: p.DisableUser) -> p.UserInfo:
    session = engine.require(p.Permission.USER_ADMIN, "user", req.username)
    if req.username == session.username and req.disabled:
        raise InvalidRequest("you cannot disable your own account")
    with session.write() as conn:
        users.set_disabled(conn, req.username, req.disabled)
        session.audit(conn, "user.disable" if req.disabled else "user.enable", "user",
                      req.username)
        user = users.get(conn, req.username)
    if req.disabled:  # after the commit: a failed disable leaves the account as it was
        session.store.remove_password(req.username)
    return p.UserInfo(user.username, user.role, user.disabled)


def set_password(engine: EngineService, req: p.SetPassword) -> None:
    session = engine.session()
    if req.username != session.username:
        session.require(p.Permission.USER_ADMIN, "user", req.username)
    users.check_password(req.password)
    with session.audited("user.passwd", "user", req.username) as conn:
        users.get(conn, req.username)
        users.touch_password(conn, req.username)
    session.store.set_password(req.username, req.password)


def list_users(engine: EngineService, _req: p.ListUsers) -> list[p.UserInfo]:
    session = engine.require(p.Permission.USER_ADMIN)
    with session.read() as conn:
        return [p.UserInfo(u.username, u.role, u.disabled) for u in users.list_all(conn)]


HANDLERS = {p.AddUser: add_user, p.DisableUser: disable_user, p.SetPassword: set_password,
            p.ListUsers: list_users}
