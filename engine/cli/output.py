"""How replies reach the terminal: the JSON form, the ``key=value`` text form, private files."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, is_dataclass
from typing import Any, TextIO


def plain(value: Any) -> Any:
    if hasattr(value, "to_plain"):  # a reply whose printed form is not just its fields
        return value.to_plain()
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def print_json(obj: Any, out: TextIO | None = None) -> None:
    out = out or sys.stdout  # looked up now, so that redirection (tests, demo) is honoured
    out.write(json.dumps(plain(obj), sort_keys=True, default=str) + "\n")
    out.flush()


def fields_json(value: Any) -> None:
    """A reply (a list stays one JSON array); nothing for no reply."""
    if value is not None:
        print_json(value)


def fields_text(value: Any) -> None:
    """Each item of a reply as one line of ``key=value`` pairs; nothing for no reply."""
    if value is None:
        return
    for item in value if isinstance(value, list) else [value]:
        print(" ".join(f"{k}={v}" for k, v in plain(item).items()))


def write_private(path: str, text: str) -> None:
    """A file only its owner can read (mode 0600): exports carry patient data."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
