"""``hntai scrub``: stateless de-identification of stdin, for batch use and evaluation.

Modes: ``text`` (all of stdin → scrubbed text), ``json`` (one object with text and spans),
``jsonl`` (one line ``{"id", "text"}`` in, one line ``{"id", "text", "spans"}`` out, flushed
per line so thousands of notes stream through one process). Nothing is kept; each line gets
a fresh record secret, so surrogates never link two inputs.
"""

from __future__ import annotations

import json
from typing import Literal, TextIO

from engine.phi.scrubber import Scrubber
from engine.phi.types import ScrubPolicy, ScrubResult


def spans_json(result: ScrubResult) -> list[dict]:
    return [{"start": s.start, "end": s.end, "type": s.type.value, "orig_start": s.orig_start,
             "orig_end": s.orig_end} for s in result.spans]


def run_scrub_stream(stdin: TextIO, stdout: TextIO, policy: ScrubPolicy,
                     mode: Literal["text", "json", "jsonl"]) -> int:
    if mode != "jsonl":
        result = Scrubber(policy).scrub(stdin.read())
        if mode == "json":
            stdout.write(json.dumps({"text": result.text, "spans": spans_json(result)}) + "\n")
        else:
            stdout.write(result.text)
        stdout.flush()
        return 0
    failures = 0
    for number, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            text = item["text"]
            if not isinstance(text, str):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            failures += 1
            out = {"id": None, "error": {"code": "INVALID_REQUEST",
                                         "message": f"line {number} is not {{\"id\", \"text\"}}"}}
        else:
            result = Scrubber(policy).scrub(text)
            out = {"id": item.get("id"), "text": result.text, "spans": spans_json(result)}
        stdout.write(json.dumps(out) + "\n")
        stdout.flush()
    return 1 if failures else 0
