"""``hntai extract``: stateless clinical extraction of stdin (json or jsonl)."""

from __future__ import annotations

import json
from typing import Any, Literal, TextIO

from engine.clinical.extract import extract_clinical
from engine.jsonl import stream_jsonl


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
    return stream_jsonl(stdin, stdout, lambda text: {"entities": entities_json(text)})
