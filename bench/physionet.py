"""The PhysioNet deid gold standard's development half (real ICU nursing notes), split by
patient into a tuning part and a reporting part.

``../shared/eval/phi/physionet_dev`` holds the odd-numbered patients; the even ones are
held back outside the project. Inside the dev half, patients numbered 1 mod 4 are the
**tune** part (read them, fix rules on them) and patients numbered 3 mod 4 the **report**
part (score only; do not read its misses while tuning). Scoring is token-level as in
``phi_eval.Score``; standalone years (DateYear) are neither gold nor false positives.

    python bench/physionet.py [--part tune|report|all] [--top 30]
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from phi_eval import EVAL, Example, Score, hntai_spans

DEV = EVAL / "physionet_dev"
CATEGORIES: dict[str, str | None] = {
    "HCPName": "NAME", "RelativeProxyName": "NAME", "PTName": "NAME", "PTNameInitial": "NAME",
    "Date": "DATE", "DateYear": None, "Location": "LOCATION", "Phone": "PHONE", "Age": "AGE",
    "Other": "OTHER",
}
PARTS = {"tune": {1}, "report": {3}, "all": {1, 3}}
_RECORD = re.compile(r"START_OF_RECORD=(\d+)\|\|\|\|(\d+)\|\|\|\|\n(.*?)\|\|\|\|END_OF_RECORD",
                     re.S)
_TOKEN = re.compile(r"\w+")


def load(part: str = "all", root: Path = DEV) -> list[Example]:
    """The notes of one part, each with its gold spans (category None = ignored)."""
    gold: dict[tuple[int, int], list[tuple[int, int, str | None]]] = {}
    for line in (root / "id-phi.phrase").read_text(encoding="utf-8").splitlines():
        fields = line.split(" ", 5)
        if len(fields) < 5:
            continue
        patient, note, start, end, category = fields[:5]
        gold.setdefault((int(patient), int(note)), []).append(
            (int(start), int(end), CATEGORIES.get(category, "OTHER")))
    keep = PARTS[part]
    return [Example(m.group(3), gold.get((int(m.group(1)), int(m.group(2))), []))
            for m in _RECORD.finditer((root / "id.text").read_text(encoding="utf-8"))
            if int(m.group(1)) % 4 in keep]


def errors(examples: list[Example], predicted: list[list[tuple[int, int]]]
           ) -> tuple[Counter[str], Counter[str]]:
    """Missed gold words and false-positive words, counted by their text."""
    missed: Counter[str] = Counter()
    false: Counter[str] = Counter()
    for ex, spans in zip(examples, predicted, strict=True):
        for tok in _TOKEN.finditer(ex.text):
            s, e = tok.span()
            labels = [c for gs, ge, c in ex.gold if gs < e and s < ge]
            hit = any(ps < e and s < pe for ps, pe in spans)
            if labels and all(c is None for c in labels):
                continue
            if any(labels) and not hit:
                missed[f"{next(c for c in labels if c)}:{tok.group()}"] += 1
            elif hit and not labels:
                false[tok.group()] += 1
    return missed, false


def report(examples: list[Example], spans: Callable[[str], list[tuple[int, int]]],
           top: int) -> dict:
    predicted = [spans(ex.text) for ex in examples]
    score = Score()
    for ex, found in zip(examples, predicted, strict=True):
        score.add(ex, found)
    missed, false = errors(examples, predicted)
    return {**score.table(), "notes": len(examples), "top_missed": missed.most_common(top),
            "top_false_positives": false.most_common(top)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--part", choices=sorted(PARTS), default="tune")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    result = report(load(args.part), hntai_spans(), args.top)
    print(f"physionet_dev/{args.part}: {result['notes']} notes, {result['tokens']} gold tokens")
    print(f"recall {result['recall']:.3f}  precision {result['precision']:.3f}")
    for category, row in result["per_category"].items():
        print(f"  {category:10s} recall {row['recall']:.3f} ({row['tokens']} tokens)")
    print("top missed:", ", ".join(f"{w} {n}" for w, n in result["top_missed"]))
    print("top false positives:", ", ".join(f"{w} {n}" for w, n in result["top_false_positives"]))


if __name__ == "__main__":
    main()
