"""Clinical extraction quality against labels others wrote, and speed.

  * C-CDA (../shared/eval/ccda): each section's narrative <text> is extracted and scored
    against the same section's coded entries (medications, problems, results, vital signs);
    a prediction matches a coded display when one contains the other (case-insensitive).
  * BioCreative V CDR sample: chemical ↔ medication and disease ↔ problem mentions, by
    span overlap (PubMed abstracts: a stand-in for name recognition, not clinical notes).
  * Assertions: resources/clinical/assertion_cases.tsv.
  * Synthea round trip: every bundle imported, exported, validated with fhir.resources;
    coded conditions/medications/allergies/observations found again.
  * Notes per second on the 200 MTSamples notes.
Writes bench/results/clinical_eval.{json,md}.

    .venv/bin/python bench/clinical_eval.py
"""

from __future__ import annotations

import csv
import json
import os
import time
from collections import defaultdict
from pathlib import Path

from fhir.resources.R4B.bundle import Bundle

from engine.clinical import extract_clinical, import_fhir_bundle, to_fhir_bundle
from engine.clinical.ccda_import import read_sections

ROOT = Path(__file__).resolve().parents[1]
EVAL = Path(os.environ.get("HNTAI_EVAL_DIR", ROOT.parent / "shared" / "eval"))
RESULTS = ROOT / "bench" / "results"


def prf(tp_pred: int, pred: int, tp_gold: int, gold: int) -> dict[str, float]:
    p = tp_pred / pred if pred else 0.0
    r = tp_gold / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3),
            "predicted": pred, "gold": gold}


def _match(a: str, b: str) -> bool:
    a, b = a.lower(), b.lower()
    return a in b or b in a


def ccda() -> dict[str, dict[str, float]]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for path in sorted((EVAL / "ccda").glob("*.xml")):
        for section in read_sections(path):
            kind = section.kind
            if kind not in ("medication", "problem", "lab", "vital") or not section.coded:
                continue
            gold = [d for d, _ in section.coded]
            pred = [e.text for e in extract_clinical(section.narrative).entities
                    if e.type == kind]
            c = counts[kind]
            c[0] += sum(any(_match(p, g) for g in gold) for p in pred)
            c[1] += len(pred)
            c[2] += sum(any(_match(p, g) for p in pred) for g in gold)
            c[3] += len(gold)
    return {k: prf(*v) for k, v in counts.items()}


def cdr() -> dict[str, dict[str, float]]:
    docs: dict[str, dict] = {}
    for line in (EVAL / "clinical" / "CDR_sample.pubtator.txt").read_text().splitlines():
        if "|t|" in line or "|a|" in line:
            pmid, _part, text = line.split("|", 2)
            doc = docs.setdefault(pmid, {"text": "", "gold": []})
            doc["text"] += (" " if doc["text"] else "") + text
        elif line.count("\t") >= 4:
            pmid, start, end, _mention, kind = line.split("\t")[:5]
            docs[pmid]["gold"].append((int(start), int(end), kind))
    mapping = {"medication": "Chemical", "problem": "Disease"}
    out = {}
    for ours, theirs in mapping.items():
        tp_pred = pred = tp_gold = gold = 0
        for doc in docs.values():
            spans = [(s, e) for s, e, k in doc["gold"] if k == theirs]
            found = [(e.start, e.end) for e in extract_clinical(doc["text"]).entities
                     if e.type == ours]
            tp_pred += sum(any(s < ge and gs < e for gs, ge in spans) for s, e in found)
            pred += len(found)
            tp_gold += sum(any(s < ge and gs < e for s, e in found) for gs, ge in spans)
            gold += len(spans)
        out[f"{theirs.lower()}->{ours}"] = prf(tp_pred, pred, tp_gold, gold)
    return out


def assertions() -> dict[str, float]:
    rows = [ln.split("\t") for ln in (ROOT / "resources" / "clinical" / "assertion_cases.tsv")
            .read_text().splitlines() if not ln.startswith("#")]
    right = 0
    for sentence, term, expected in rows:
        found = [e for e in extract_clinical(sentence).entities if e.text.lower() == term]
        right += bool(found) and found[0].assertion == expected
    negation = [r for r in rows if r[2] == "negated"]
    neg_right = sum(
        any(e.text.lower() == t and e.assertion == "negated"
            for e in extract_clinical(s).entities) for s, t, _ in negation)
    return {"cases": len(rows), "accuracy": round(right / len(rows), 3),
            "negation_accuracy": round(neg_right / len(negation), 3)}


def synthea() -> dict[str, float]:
    bundles = found = total = valid = 0
    for path in sorted((EVAL / "fhir").glob("*.json")):
        bundle = json.loads(path.read_text())
        imported = import_fhir_bundle(bundle)
        exported = to_fhir_bundle(imported.extraction, patient_id="p")
        Bundle.model_validate(exported)
        valid += 1
        bundles += 1
        codes_out = {json.dumps(r.get("code") or r.get("medicationCodeableConcept"),
                                sort_keys=True) for r in (e["resource"] for e in exported["entry"])}
        for entry in bundle["entry"]:
            r = entry["resource"]
            if r["resourceType"] in ("Condition", "MedicationRequest", "AllergyIntolerance",
                                     "Observation"):
                concept = r.get("code") or r.get("medicationCodeableConcept") or {}
                coding = (concept.get("coding") or [{}])[0]
                total += 1
                found += any(coding.get("code", "?") in c for c in codes_out)
    return {"bundles": bundles, "valid_exports": valid, "facts": total,
            "found_again": round(found / max(total, 1), 4)}


def speed() -> float:
    with open(EVAL / "notes" / "mtsamples_subset_200.csv", newline="", encoding="utf-8") as fh:
        notes = [r["transcription"] for r in csv.DictReader(fh)]
    start = time.process_time()
    for note in notes:
        extract_clinical(note)
    return round(len(notes) / (time.process_time() - start), 1)


def main() -> None:
    results = {"ccda_narrative_vs_coded": ccda(), "cdr": cdr(), "assertions": assertions(),
               "synthea_round_trip": synthea(), "notes_per_s": speed()}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "clinical_eval.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = ["# Clinical extraction (bench/clinical_eval.py)", "",
             "| set | type | precision | recall | F1 | predicted | gold |",
             "|---|---|---|---|---|---|---|"]
    for name in ("ccda_narrative_vs_coded", "cdr"):
        for kind, r in results[name].items():
            lines.append(f"| {name} | {kind} | {r['precision']} | {r['recall']} | {r['f1']} | "
                         f"{r['predicted']} | {r['gold']} |")
    a, s = results["assertions"], results["synthea_round_trip"]
    lines += ["", f"Assertions: accuracy {a['accuracy']} on {a['cases']} cases; negation "
              f"{a['negation_accuracy']}.",
              f"Synthea: {s['valid_exports']}/{s['bundles']} exports validate; "
              f"{s['found_again']} of {s['facts']} coded facts found again.",
              f"Speed: {results['notes_per_s']} MTSamples notes per second (one process)."]
    (RESULTS / "clinical_eval.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
