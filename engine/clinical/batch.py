"""``hntai extract``: stateless clinical extraction of stdin (json or jsonl)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any, Literal, TextIO

from engine.clinical.extract import extract_clinical


def entities_json(text: str) -> list[dict[str, Any]]:
    out = []
    for e in extract_clinical(text).entities:
        out.append({"type": e.type, "text": e.text, "start": e.start, "end": e.end,
                    "assertion": e.assertion,
                    "code": {"system": e.code.system, "code": e.code.code} if e.code else None,
                    "attributes": dict(e.attributes), "section": e.section})
    return out


def run_extract_stream(stdin: TextIO, stdout: TextIO, mode: Literal["json", "jsonl"]) -> int:
    if mode == "json":
        stdout.write(json.dumps({"entities": entities_json(stdin.read())}) + "\n")
        return 0
    failures = 0
    for number, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item.get("text"), str):
                raise TypeError
        except (ValueError, TypeError, AttributeError):
            failures += 1
            out: dict[str, Any] = {"id": None, "error": {
                "code": "INVALID_REQUEST", "message": f"line {number} is not {{\"id\", \"text\"}}"}}
        else:
            out = {"id": item.get("id"), "entities": entities_json(item["text"])}
        stdout.write(json.dumps(out, default=lambda o: asdict(o)) + "\n")
        stdout.flush()
    return 1 if failures else 0
