"""What the typed replies cost against the dicts they replaced, at the size of a 1,000-page
document (issue 18's big document: 15,000 PHI spans, 35,000 clinical mentions).

* The text part of GetDocument (scrubbed text, PHI spans, pages): built in the engine from
  the stored JSON rows, pickled onto the queue, unpickled by the client's reader thread
  (which holds the window's interpreter while it does), then indexed and counted by the
  view. Peer: the same reply as dicts.
* 15,000 spans converted alone, in the shapes a span could take: ``PhiSpans`` keeps rows of
  plain values (objects each, even NamedTuples, are tracked by the window's garbage
  collector and brought on full passes over its heap), and objects unpickle slower.
* One chunk of 1,000 clinical entities, decoded in a turn of the window's event loop: the
  JSON text alone (peer, as before) and with ``ClinicalEntity.from_plain``.

Synthetic inputs made here (no patient data). Figures are the best of ``--rounds`` runs.

    python bench/reply_types.py [--rounds 15]
Writes bench/results/reply_types.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import random
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from operator import itemgetter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine import protocol as p  # noqa: E402
from engine.clinical import extract_clinical  # noqa: E402

RESULTS = ROOT / "bench" / "results"
SPANS, PAGES, PAGE_CHARS = 15_000, 1000, 1400
NOTE = ("MEDICATIONS: Metformin 500 mg PO BID. Lisinopril 10 mg daily. Albuterol inhaler PRN.\n"
        "ASSESSMENT: Hypertension. Type 2 diabetes. Denies chest pain. BP 142/88 mmHg.\n"
        "ALLERGIES: Penicillin (hives).\n")


def best_ms(fn: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return round(min(times) * 1000, 2)


def stored_rows() -> tuple[str, str, str]:
    """A big document's scrubbed text and its span and page rows as the store keeps them."""
    rng = random.Random(18)
    text = ("x" * (PAGE_CHARS - 1) + "\n") * PAGES
    spans, at = [], 0
    for _ in range(SPANS):
        at += rng.randint(20, 150)
        spans.append({"type": rng.choice(("NAME", "DATE", "PHONE", "LOCATION")), "start": at,
                      "end": at + rng.randint(4, 18)})
    pages = [{"number": n + 1, "start": n * PAGE_CHARS, "end": (n + 1) * PAGE_CHARS,
              "ocr": False} for n in range(PAGES)]
    return text, json.dumps(spans), json.dumps(pages)


def text_part(rounds: int) -> dict:
    text, spans_json, pages_json = stored_rows()
    meta = p.DocumentInfo("D-1", "R-1", "J-1", "document 1 (PDF)", "0" * 64, "pdf",
                          "application/pdf", 1, PAGES, 0, "stored", "2026-12-05")

    def as_dicts() -> dict:  # the peer: the reply before, the store's rows as they were read
        return {"meta": asdict(meta), "scrubbed_text": text, "phi_spans": json.loads(spans_json),
                "pages": json.loads(pages_json), "extraction": None}

    def typed() -> p.DocumentContent:
        return p.DocumentContent(meta, text, p.PhiSpans.from_plain(json.loads(spans_json)),
                                 tuple(map(p.Page.from_plain, json.loads(pages_json))))

    rows = json.loads(spans_json)

    def dict_step() -> tuple:  # what PagedPhiText.set_document did with the spans
        ordered = sorted(rows, key=itemgetter("start"))
        counts: dict[str, int] = {}
        for span in ordered:
            counts[span["type"]] = counts.get(span["type"], 0) + 1
        return [s["start"] for s in ordered], counts

    spans = typed().phi_spans

    def typed_step() -> tuple:  # what it does now
        return spans.starts, spans.counts()

    out = {}
    for name, build in (("dicts (peer)", as_dicts), ("typed", typed)):
        reply = p.Reply(1, build())
        data = pickle.dumps(reply)
        out[name] = {"engine_build_ms": best_ms(build, rounds),
                     "pickle_ms": best_ms(lambda r=reply: pickle.dumps(r), rounds),
                     "unpickle_ms": best_ms(lambda d=data: pickle.loads(d), rounds),
                     "bytes": len(data)}
    out["dicts (peer)"]["view_spans_ms"] = best_ms(dict_step, rounds)
    out["typed"]["view_spans_ms"] = best_ms(typed_step, rounds)
    return out


@dataclass(frozen=True)
class _FrozenSpan:
    type: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _SlotsSpan:
    type: str
    start: int
    end: int


def span_shapes(rounds: int) -> dict:
    rows = json.loads(stored_rows()[1])
    shapes: dict[str, Callable[[], object]] = {
        "dict (peer)": lambda: rows,
        "PhiSpans (rows of plain values)": lambda: p.PhiSpans.from_plain(rows),
        "NamedTuple each": lambda: tuple(p.PhiSpan(r["type"], r["start"], r["end"])
                                         for r in rows),
        "frozen dataclass": lambda: tuple(_FrozenSpan(r["type"], r["start"], r["end"])
                                          for r in rows),
        "frozen dataclass, slots": lambda: tuple(_SlotsSpan(r["type"], r["start"], r["end"])
                                                 for r in rows),
    }
    out = {}
    for name, build in shapes.items():
        data = pickle.dumps(build())
        out[name] = {"build_ms": 0.0 if name == "dict (peer)" else best_ms(build, rounds),
                     "unpickle_ms": best_ms(lambda d=data: pickle.loads(d), rounds)}
    return out


def entity_chunk(rounds: int) -> dict:
    one = extract_clinical(NOTE).to_dict()["entities"]
    rows = [dict(one[n % len(one)], start=n * 10, end=n * 10 + 5)
            for n in range(p.ENTITY_CHUNK)]
    chunk = p.EntityChunks.of(rows).chunks[0]
    return {"entities": len(rows),
            "json_only_ms (peer)": best_ms(lambda: json.loads(chunk), rounds),
            "json_and_from_plain_ms": best_ms(
                lambda: [p.ClinicalEntity.from_plain(r) for r in json.loads(chunk)], rounds)}


def ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}×" if b else "–"


def write(result: dict, rounds: int) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "reply_types.json").write_text(json.dumps(result, indent=2) + "\n")
    peer, typed = result["text_part"]["dicts (peer)"], result["text_part"]["typed"]
    lines = [
        "# Typed replies against the dicts they replaced", "",
        f"Run {result['date']} on {result['machine']}, load average (1 min) "
        f"{result['load_average_1min']}: `python bench/reply_types.py --rounds {rounds}` "
        "(best of the rounds; synthetic inputs).", "",
        f"## GetDocument text part of a {PAGES:,}-page document ({SPANS:,} PHI spans, "
        f"{PAGES:,} pages)", "",
        "| | dicts (peer) | typed | ratio |", "|---|---|---|---|",
    ]
    for key, label in (("engine_build_ms", "engine: rows read into the reply"),
                       ("pickle_ms", "engine: pickled onto the queue"),
                       ("unpickle_ms", "client reader thread: unpickled (holds the GIL)"),
                       ("view_spans_ms", "view: spans sorted (before), indexed, counted")):
        lines.append(f"| {label} | {peer[key]} ms | {typed[key]} ms | "
                     f"{ratio(typed[key], peer[key])} |")
    lines += ["", f"## {SPANS:,} spans alone, by shape", "",
              "| shape | built from the rows | unpickled |", "|---|---|---|"]
    for name, figures in result["span_shapes"].items():
        lines.append(f"| {name} | {figures['build_ms']} ms | {figures['unpickle_ms']} ms |")
    chunk = result["entity_chunk"]
    lines += ["", f"## One chunk of {chunk['entities']:,} clinical entities, decoded in one "
              "turn of the window's event loop", "",
              f"JSON text only (peer, as before): {chunk['json_only_ms (peer)']} ms; with "
              f"`ClinicalEntity.from_plain`: {chunk['json_and_from_plain_ms']} ms "
              f"({ratio(chunk['json_and_from_plain_ms'], chunk['json_only_ms (peer)'])}).",
              ""]
    (RESULTS / "reply_types.md").write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    result = {"text_part": text_part(args.rounds), "span_shapes": span_shapes(args.rounds),
              "entity_chunk": entity_chunk(args.rounds), "date": time.strftime("%Y-%m-%d"),
              "machine": f"{platform.machine()}, {os.cpu_count()} cores",
              "load_average_1min": round(os.getloadavg()[0], 1)}
    write(result, args.rounds)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
