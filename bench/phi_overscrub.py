"""What the scrubber takes from real clinical text that holds almost no PHI: the spans it
finds, by type, with each NAME, ORGANIZATION and LOCATION span in its context, so that a
clinical word taken for a name (a drug, a device, an eponym) can be seen and counted.

Texts (../shared/eval, public):
  * notes — 200 MTSamples transcriptions, the ACI-bench validation notes, the BioCreative
    CDR abstracts (the set the clinical-word rules were written against);
  * held_out — the MTS-Dialog training section texts and the ACI-bench training notes (no
    rule was written from them).
Writes bench/results/phi_overscrub.{json,md}; the JSON lists every word span.

    python bench/phi_overscrub.py
"""

from __future__ import annotations

import csv
import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from engine.phi import Scrubber
from engine.protocol import ScrubPolicy

ROOT = Path(__file__).resolve().parents[1]
EVAL = Path(os.environ.get("HNTAI_EVAL_DIR", ROOT.parent / "shared" / "eval"))
RESULTS = ROOT / "bench" / "results"
_WORD_TYPES = ("NAME", "ORGANIZATION", "LOCATION")


def _rows(path: Path, column: str) -> Iterator[str]:
    csv.field_size_limit(1 << 30)
    with open(path, encoding="utf-8") as fh:
        yield from (row[column] for row in csv.DictReader(fh))


def notes() -> Iterator[str]:
    yield from _rows(EVAL / "notes" / "mtsamples_subset_200.csv", "transcription")
    yield from _rows(EVAL / "dialogue" / "aci_bench" / "data" / "challenge_data" / "valid.csv",
                     "note")
    for block in (EVAL / "clinical" / "CDR_sample.pubtator.txt").read_text("utf-8").split("\n\n"):
        lines = [ln.split("|", 2)[2] for ln in block.splitlines() if "|t|" in ln or "|a|" in ln]
        if lines:
            yield "\n".join(lines)


def held_out() -> Iterator[str]:
    dialog = EVAL / "dialogue" / "mts_dialog" / "Main-Dataset" / "MTS-Dialog-TrainingSet.csv"
    yield from _rows(dialog, "section_text")
    yield from _rows(EVAL / "dialogue" / "aci_bench" / "data" / "challenge_data" / "train.csv",
                     "note")


def probe(texts: Iterator[str], scrubber: Scrubber) -> dict:
    counts: Counter[str] = Counter()
    spans = []
    total = 0
    for text in texts:
        total += 1
        for det in scrubber.detect(text):
            counts[det.type.value] += 1
            if det.type.value in _WORD_TYPES:
                spans.append({"type": det.type.value, "text": text[det.start:det.end],
                              "context": text[max(0, det.start - 40):det.end + 30]})
    return {"texts": total, "spans_by_type": dict(counts.most_common()), "word_spans": spans}


def main() -> None:
    scrubber = Scrubber(ScrubPolicy.REDACT)
    results = {"notes": probe(notes(), scrubber), "held_out": probe(held_out(), scrubber)}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "phi_overscrub.json").write_text(json.dumps(results, indent=1) + "\n")
    lines = ["# PHI over-scrubbing on clinical text (bench/phi_overscrub.py)", "",
             "| set | texts | all spans | NAME | ORGANIZATION | LOCATION | DATE |",
             "|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        c = r["spans_by_type"]
        lines.append(f"| {name} | {r['texts']} | {sum(c.values())} | {c.get('NAME', 0)} | "
                     f"{c.get('ORGANIZATION', 0)} | {c.get('LOCATION', 0)} | {c.get('DATE', 0)} |")
    (RESULTS / "phi_overscrub.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
