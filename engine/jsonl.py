"""The ``{"id", "text"}`` JSON-lines loop shared by the stateless batch commands."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TextIO


def stream_jsonl(stdin: TextIO, stdout: TextIO, handle: Callable[[str], dict[str, Any]]) -> int:
    """One output line per input line, flushed as it goes; a bad line gets a coded error
    object and the stream goes on. Returns 1 when any line was bad."""
    failures = 0
    for number, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise TypeError
        except (ValueError, TypeError):
            failures += 1
            out: dict[str, Any] = {"id": None, "error": {
                "code": "INVALID_REQUEST",
                "message": f'line {number} is not {{"id", "text"}}'}}
        else:
            out = {"id": item.get("id"), **handle(item["text"])}
        stdout.write(json.dumps(out) + "\n")
        stdout.flush()
    return 1 if failures else 0
