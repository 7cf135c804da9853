"""Clinical extraction quality against labels others wrote, and speed.

  * C-CDA (../shared/eval/ccda): each section's narrative <text> is extracted and scored
    against the same section's coded entries (medications, problems, results, vital signs).
    Medications and problems: a prediction (its text, normalized name or code display) matches
    a coded display when one contains the other. Labs and vitals: a coded observation with a
    physical quantity matches when the value (after unit normalisation) agrees and the LOINC
    code or the name does. The gold is incomplete in places (the HL7 samples code 3 of ~13
    results each), which caps lab precision: a correct extraction from a row no entry codes
    counts as a false positive.
    So labs and vitals are scored twice, side by side. `lab` / `vital`: every prediction in
    the narrative counts. `lab (referenced rows)` / `vital (referenced rows)`: C-CDA links
    each coded entry to the narrative it came from (<reference value="#ID"/> pointing at a
    <tr>, <td>, <content> or <item> with that ID), and only predictions lying on a narrative
    line (table row) some coded entry of the section references count for precision; a
    prediction on a row no entry describes cannot be judged right or wrong against this gold.
    Recall stays over all coded facts, found by any prediction, so it equals the first
    figure's. An element inside a table row stands for the whole row (the value is usually
    in the cell next to the referenced name); a reference to an element rendered over several
    lines (a whole table or list) gives no row. A section falls back to counting every
    prediction when its entries carry no row references at all, or when any of its scored
    facts has none (its row is unknown), so nothing gets easier by missing references.
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


def _names(entity) -> list[str]:
    """What a prediction may be called: its text, normalized name and code display."""
    names = [entity.text, str(entity.attributes.get("normalized") or "")]
    if entity.code and entity.code.display:
        names.append(entity.code.display)
    return [n for n in names if n]


# C-CDA units -> the UCUM units the extractor normalises to, with the factor.
_TO_CANONICAL = {"[lb_av]": ("kg", 0.45359237), "lb": ("kg", 0.45359237),
                 "lbs": ("kg", 0.45359237), "[in_us]": ("cm", 2.54), "in": ("cm", 2.54),
                 "[degf]": ("Cel", None), "degf": ("Cel", None)}


def _gold_measure(fact) -> tuple[str, str, float] | None:
    if fact.value is None or fact.code is None:
        return None
    unit = (fact.unit or "").lower()
    target, factor = _TO_CANONICAL.get(unit, (fact.unit, 1.0))
    value = (fact.value - 32) * 5 / 9 if target == "Cel" else fact.value * factor
    return fact.code.code, fact.display, round(value, 1)


def _pred_measures(entity) -> list[tuple[str, str, float]]:
    a = entity.attributes
    if "systolic" in a:
        return [("8480-6", "systolic blood pressure", float(a["systolic"])),
                ("8462-4", "diastolic blood pressure", float(a["diastolic"]))]
    code = entity.code.code if entity.code else ""
    name = str(a.get("name") or entity.text)
    return [(code, name, round(float(a["value"]), 1))] if "value" in a else []


# LOINC codes that name the same measurement for scoring (measured vs. reported weight, …).
_SAME_LOINC = {"3141-9": "29463-7", "41909-3": "39156-5", "8306-3": "8302-2",
               "30313-1": "718-7", "33765-9": "6690-2", "26515-7": "777-3",
               "2951-2": "2947-0", "2823-3": "6298-4", "2075-0": "2069-3", "2028-9": "1963-8"}


def _same_measure(p: tuple[str, str, float], g: tuple[str, str, float]) -> bool:
    """Same value (within rounding) and the same LOINC code or an overlapping name."""
    same_value = abs(p[2] - g[2]) <= max(0.1, 0.01 * abs(g[2]))
    same_code = _SAME_LOINC.get(p[0], p[0]) == _SAME_LOINC.get(g[0], g[0])
    return same_value and (same_code or _match(p[1], g[1]))


REFERENCED = " (referenced rows)"


def _on_rows(entity, rows: tuple[tuple[int, int], ...]) -> bool:
    return any(entity.start < end and start < entity.end for start, end in rows)


def ccda() -> tuple[dict[str, dict[str, float]], dict[str, dict[str, int]]]:
    """Names for problems and medications; value and unit for labs and vital signs. With,
    per lab/vital kind, how many sections were scored and how many of those the referenced
    figure restricted to referenced rows (the others count every prediction)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    sections: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # scored, restricted
    for path in sorted((EVAL / "ccda").glob("*.xml")):
        for section in read_sections(path):
            kind = section.kind
            if kind not in ("medication", "problem", "lab", "vital"):
                continue
            entities = [e for e in extract_clinical(section.narrative).entities if e.type == kind]
            c = counts[kind]
            if kind in ("lab", "vital"):
                scored = [(g, f) for f in section.facts if (g := _gold_measure(f))]
                gold_m = [g for g, _ in scored]
                if not gold_m:
                    continue
                pred_m = [m for e in entities for m in _pred_measures(e)]
                c[0] += sum(any(_same_measure(p, g) for g in gold_m) for p in pred_m)
                c[1] += len(pred_m)
                c[2] += sum(any(_same_measure(p, g) for p in pred_m) for g in gold_m)
                c[3] += len(gold_m)
                # referenced rows: precision over the predictions on rows the entries reference
                restrict = all(f.rows for _, f in scored)  # else a gold row is unknown: all
                sections[kind][0] += 1
                sections[kind][1] += restrict
                on_rows = [m for e in entities if not restrict
                           or _on_rows(e, section.referenced_spans) for m in _pred_measures(e)]
                r = counts[kind + REFERENCED]
                r[0] += sum(any(_same_measure(p, g) for g in gold_m) for p in on_rows)
                r[1] += len(on_rows)
                r[2] += sum(any(_same_measure(p, g) for p in pred_m) for g in gold_m)
                r[3] += len(gold_m)
                continue
            gold = [f.display for f in section.facts]
            if not gold:
                continue
            pred = [_names(e) for e in entities]
            c[0] += sum(any(_match(n, g) for n in names for g in gold) for names in pred)
            c[1] += len(pred)
            c[2] += sum(any(_match(n, g) for names in pred for n in names) for g in gold)
            c[3] += len(gold)
    order = [k for k in counts if not k.endswith(REFERENCED)]
    order = [k for kind in order for k in (kind, kind + REFERENCED) if k in counts]
    coverage = {k: {"scored_sections": n, "restricted_to_referenced_rows": m}
                for k, (n, m) in sections.items()}
    return {k: prf(*counts[k]) for k in order}, coverage


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
    scores, coverage = ccda()
    results = {"ccda_narrative_vs_coded": scores, "ccda_referenced_row_sections": coverage,
               "cdr": cdr(), "assertions": assertions(),
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
    lines += [""] + [
        f"C-CDA {kind} (referenced rows): {n['restricted_to_referenced_rows']} of "
        f"{n['scored_sections']} scored sections restricted to the rows their coded entries "
        f"reference; the others count every prediction (a scored fact with no row reference)."
        for kind, n in coverage.items()]
    lines += ["", f"Assertions: accuracy {a['accuracy']} on {a['cases']} cases; negation "
              f"{a['negation_accuracy']}.",
              f"Synthea: {s['valid_exports']}/{s['bundles']} exports validate; "
              f"{s['found_again']} of {s['facts']} coded facts found again.",
              f"Speed: {results['notes_per_s']} MTSamples notes per second (one process)."]
    (RESULTS / "clinical_eval.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
