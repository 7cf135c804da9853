"""Secrets and private lines, read from the environment or the terminal, never from argv."""

from __future__ import annotations

import getpass
import sys

from engine.errors import InvalidRequest

# The environment's passwords, taken out of it at start (entry.main) so that the engine process
# and its children never inherit them; kept for every command run in this process.
ENV_PASSWORDS: dict[str, str] = {}


def password(prompt: str, env: str = "HNTAI_PASSWORD", confirm: bool = False) -> str:
    if value := ENV_PASSWORDS.get(env):
        return value
    if not sys.stdin.isatty():
        raise InvalidRequest(f"no terminal to ask for a password: set {env}")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Repeat: ") != first:
        raise InvalidRequest("the two passwords differ")
    return first


def private_line(prompt: str, hidden: bool) -> str:
    """One line from the terminal (``hidden``: without echo), else the first line of stdin.
    An MRN or a label never goes on the command line, where ``ps`` and the shell history
    would keep it."""
    if sys.stdin.isatty():
        return getpass.getpass(prompt) if hidden else input(prompt)
    return sys.stdin.readline().rstrip("\r\n")
