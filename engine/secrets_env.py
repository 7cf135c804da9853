"""The passwords a command may take from its environment, and the environment a child
process gets.

A variable set when a process starts is inherited by every process it starts after that,
and stays readable in ``/proc/<pid>/environ`` for as long as each runs. So whoever reads a
password from the environment takes it out at once (``take_secrets``), before any thread or
child exists; and the engine hands the tools it runs (Tesseract, …) only the variables a
program needs to run (``child_env``), never its own environment.
"""

from __future__ import annotations

import os

SECRET_NAMES = ("HNTAI_PASSWORD", "HNTAI_NEW_PASSWORD")
# What a command-line tool needs to start, find its files and write its temporary files.
_PASSED_ON = ("PATH", "HOME", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_MESSAGES",
              "TMPDIR", "TEMP", "TMP", "TESSDATA_PREFIX",
              "SYSTEMROOT", "WINDIR", "COMSPEC", "PATHEXT")  # Windows programs need these


def take_secrets() -> dict[str, str]:
    """Remove the passwords from this process's environment; return those that were set."""
    taken = {name: os.environ.pop(name) for name in SECRET_NAMES if name in os.environ}
    return {name: value for name, value in taken.items() if value}


def child_env(**extra: str) -> dict[str, str]:
    """A minimal, explicit environment for a child process, plus ``extra``."""
    env = {name: os.environ[name] for name in _PASSED_ON if name in os.environ}
    env.update(extra)
    return env
