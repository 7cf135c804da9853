"""The command table's row types: a command's arguments, its requests and how its reply shows."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.cli.output import fields_json, fields_text, print_json
from engine.cli.session import Session

EXIT_OK, EXIT_FAILED, EXIT_ERROR, EXIT_AUDIT_BROKEN = 0, 1, 2, 3


def _ok(_reply: Any) -> int:
    return EXIT_OK


def _no_arguments(_parser: argparse.ArgumentParser) -> None:
    pass


@dataclass(frozen=True)
class View:
    """How a reply shows: one renderer per output form, and the exit code the reply means.
    With ``rows`` the reply is an iterable shown row by row as it arrives (a long run prints
    as it goes) and ``code`` gets the list of the rows shown."""

    text: Callable[[Any], None]
    json: Callable[[Any], None] = print_json
    code: Callable[[Any], int] = _ok
    rows: bool = False


FIELDS = View(text=fields_text, json=fields_json)  # the generic key=value / JSON reply


@dataclass(frozen=True)
class Command:
    """One command (or one action of a group). ``view`` None: ``run`` writes its own output
    and returns the exit code. ``instead``: another command this one becomes for some
    arguments (``transcribe --save`` is ``process``)."""

    name: str
    run: Callable[[Session], Any]
    view: View | None = FIELDS
    help: str | None = None
    arguments: Callable[[argparse.ArgumentParser], None] = _no_arguments
    json_flag: bool = True
    instead: Callable[[argparse.Namespace], Command | None] | None = None


@dataclass(frozen=True)
class Group:
    """A command of actions (``user add``, ``audit verify``): each action also takes
    ``--json`` after its own name."""

    name: str
    help: str
    dest: str
    actions: tuple[Command, ...]


def execute(command: Command, session: Session) -> int:
    """Run a command, show its reply in the form asked for, return the exit code."""
    if command.instead and (other := command.instead(session.args)) is not None:
        command = other
    reply = command.run(session)
    view = command.view
    if view is None:
        return reply
    render = view.json if session.json else view.text
    if not view.rows:
        render(reply)
        return view.code(reply)
    shown = []
    for row in reply:
        render(row)
        shown.append(row)
    return view.code(shown)
