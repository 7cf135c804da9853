"""The values the scrubber wrote in place of identifiers in a set of documents, so that a view
can mark them wherever they recur in text built from those documents (a summary). Only
replacement values are read: no original value is ever stored to read."""

from __future__ import annotations

import json
from collections.abc import Sequence

from engine.phi.dates import find_dates
from engine.protocol import StandIn


def of_documents(conn, document_ids: Sequence[str]) -> list[StandIn]:
    """Each distinct replaced value once (first type seen wins); a moved date also in the ISO
    form a summary writes dates in ("2023-08-22")."""
    seen: dict[str, str] = {}
    for document_id in document_ids:
        row = conn.execute("SELECT scrubbed_text, phi_spans FROM documents WHERE id = ?",
                           (document_id,)).fetchone()
        if row is None or row[0] is None:  # deleted since, or its text was withheld
            continue
        text, spans = row[0], json.loads(row[1] or "[]")
        for span in spans:
            value = text[span["start"]:span["end"]]
            seen.setdefault(value, span["type"])
            if span["type"] != "DATE":
                continue
            for parsed in find_dates(value):
                if parsed.year and parsed.day:
                    seen.setdefault(f"{parsed.year:04d}-{parsed.month:02d}-{parsed.day:02d}",
                                    "DATE")
    return [StandIn(phi_type, value) for value, phi_type in seen.items()]
