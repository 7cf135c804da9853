"""``hntai scrub``: stateless de-identification of stdin, for batch use and evaluation.

Modes: ``text`` (all of stdin → scrubbed text), ``json`` (one object with text and spans),
``jsonl`` (one line ``{"id", "text"}`` in, one line ``{"id", "text", "spans"}`` out, flushed
per line so thousands of notes stream through one process). Nothing is kept; each line gets
a fresh record secret, so surrogates never link two inputs. A site lexicon (``--site-lexicon``,
the machine policy's) is compiled once for the whole stream.
"""

from __future__ import annotations

import json
from typing import Literal, TextIO

from engine.jsonl import stream_jsonl
from engine.phi.scrubber import Scrubber
from engine.phi.site_lexicon import SiteLexicon
from engine.phi.types import ScrubResult
from engine.protocol import ScrubPolicy


def spans_json(result: ScrubResult) -> list[dict]:
    return [{"start": s.start, "end": s.end, "type": s.type.value, "orig_start": s.orig_start,
             "orig_end": s.orig_end} for s in result.spans]


def result_json(result: ScrubResult) -> dict:
    return {"text": result.text, "spans": spans_json(result)}


def run_scrub_stream(stdin: TextIO, stdout: TextIO, policy: ScrubPolicy,
                     mode: Literal["text", "json", "jsonl"], site: SiteLexicon | None = None
                     ) -> int:
    if mode != "jsonl":
        result = Scrubber(policy, site=site).scrub(stdin.read())
        if mode == "json":
            stdout.write(json.dumps(result_json(result)) + "\n")
        else:
            stdout.write(result.text)
        stdout.flush()
        return 0
    # A fresh scrubber (and record secret) per line: surrogates never link two inputs.
    return stream_jsonl(stdin, stdout,
                        lambda text: result_json(Scrubber(policy, site=site).scrub(text)))
