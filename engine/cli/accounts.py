"""The store and its staff: ``init``, ``user``, ``backup``, ``restore``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from engine import protocol as p
from engine.cli.output import print_json
from engine.cli.prompts import password
from engine.cli.session import Session
from engine.cli.table import Command, Group, View
from engine.errors import AuthFailed
from engine.policy import ROLES


def _init(s: Session) -> dict[str, Any]:
    secret = password(f"New password for {s.args.admin}: ", confirm=True)
    result: p.InitResult = s.client.request(p.InitStore(admin=s.args.admin, password=secret))
    return {"data_dir": str(s.data_dir), "admin": result.admin,
            "recovery_key": result.recovery_key}


def _init_text(out: dict[str, Any]) -> None:
    print(f"Created the HNTAI store in {out['data_dir']} with admin '{out['admin']}'.")
    print("Recovery key (shown once; store it offline, e.g. printed in a safe):")
    print(f"    {out['recovery_key']}")


def _init_arguments(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--admin", required=True)


def _new_password(prompt: str) -> str:
    return password(prompt, env="HNTAI_NEW_PASSWORD", confirm=True)


def _add(s: Session) -> Any:
    s.login()  # before the new password is asked for: a refused login asks nothing more
    secret = _new_password(f"Password for new user {s.args.name}: ")
    return s.client.request(p.AddUser(username=s.args.name, role=p.Role(s.args.role),
                                      password=secret))


def _disabled(value: bool) -> Callable[[Session], Any]:
    return lambda s: s.ask(p.DisableUser(username=s.args.name, disabled=value))


def _passwd(s: Session) -> Any:
    s.login()
    secret = _new_password(f"New password for {s.args.name}: ")
    return s.client.request(p.SetPassword(username=s.args.name, password=secret))


def _name(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("name")


def _add_arguments(cmd: argparse.ArgumentParser) -> None:
    _name(cmd)
    cmd.add_argument("--role", choices=ROLES, required=True)


def _backup(s: Session) -> Any:
    """An encrypted copy of the store, made by the engine while it goes on serving."""
    return s.ask(p.BackupStore(path=str(Path(s.args.output).resolve())))


def _restore(s: Session) -> Any:
    """The backup is checked, as one of its own admins, before anything is replaced."""
    user = s.named_user()
    if not user:
        raise AuthFailed("name an admin of the backup with --user or HNTAI_USER")
    return s.client.request(p.RestoreStore(
        path=str(Path(s.args.backup).resolve()), username=user,
        password=password(f"Password for {user} in the backup: "), check_only=s.args.check))


def _backup_arguments(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("output", metavar="OUT", help="the backup file to create")


def _restore_arguments(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("backup", metavar="IN")
    cmd.add_argument("--check", action="store_true",
                     help="only check the backup (hashes, key, integrity, audit chain)")


INIT = Command("init", _init, View(text=_init_text, json=print_json),
               help="create the encrypted store and its first admin", arguments=_init_arguments)
USER = Group("user", "manage staff accounts (admin)", "user_action", (
    Command("add", _add, arguments=_add_arguments),
    Command("disable", _disabled(True), arguments=_name),
    Command("enable", _disabled(False), arguments=_name),
    Command("passwd", _passwd, arguments=_name),
    Command("list", lambda s: s.ask(p.ListUsers())),
))
BACKUP = Command("backup", _backup, help="write an encrypted, checked copy of the store with "
                 "its key slots (admin)", arguments=_backup_arguments)
RESTORE = Command("restore", _restore, help="check a backup, then make it the store (admin of "
                  "the backup)", arguments=_restore_arguments)
