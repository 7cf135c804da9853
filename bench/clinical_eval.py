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
    Allergies: names as for medications, a drug also by its canonical name through the drug
    vocabulary on both sides (a brand in the gold, the generic in the text); the referenced
    figure restricts to the rows the allergy entries reference, as for labs. The referenced
    vital figure also leaves out a blood pressure's diastolic where the section codes no
    diastolic (the HL7 samples code the systolic only): it cannot be judged.
  * Layout variants, generated here from the shared C-CDA files: the section title as a line
    above the narrative or not (`*_untitled`), cells joined by " | " (as rendered), by tabs,
    or padded into columns two spaces apart, and `code_first` (the entry's code in a first
    column of the row that shows its value, "Code" over it). The narrative figure above is
    the `untitled` variant. All shared files were looked at while developing: these are
    development figures, not held-out ones.
  * BioCreative V CDR sample: chemical ↔ medication (one drug, not a pharmacological class)
    or substance, and disease ↔ problem mentions, by span overlap (PubMed abstracts: a
    stand-in for name recognition, not clinical notes). Whole set, and apart the half of the
    abstracts (even positions in PMID order) looked at while tuning and the other half.
  * Assertions: resources/clinical/assertion_cases.tsv.
  * Synthea round trip: every bundle imported, exported, validated with fhir.resources;
    coded conditions/medications/allergies/observations found again.
  * Notes per second on the 200 MTSamples notes (CPU time of this process); seconds for a
    100 KB and a 1 MB text with no sentence end.
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

from engine.clinical import extract_clinical, import_fhir_bundle, to_fhir_bundle
from engine.clinical.ccda_import import read_sections
from engine.clinical.vocabulary import load

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
               "2951-2": "2947-0", "2823-3": "6298-4", "2075-0": "2069-3", "2028-9": "1963-8",
               "3139-2": "8277-6"}  # "BSA Measured" (Cerner) is the body surface area


def _same_measure(p: tuple[str, str, float], g: tuple[str, str, float]) -> bool:
    """Same value (within rounding) and the same LOINC code or an overlapping name."""
    same_value = abs(p[2] - g[2]) <= max(0.1, 0.01 * abs(g[2]))
    same_code = _SAME_LOINC.get(p[0], p[0]) == _SAME_LOINC.get(g[0], g[0])
    return same_value and (same_code or _match(p[1], g[1]))


REFERENCED = " (referenced rows)"
KINDS = ("medication", "problem", "allergy", "lab", "vital")


def _cells(line: str) -> list[str] | None:
    """A rendered table line's cells ("| x" starts with an empty cell), None for prose."""
    if line.startswith("| "):
        return ["", *line[2:].split(" | ")]
    return line.split(" | ") if " | " in line else None


def _aligned(lines: list[str]) -> list[str]:
    """Table blocks padded into columns two spaces apart, as fixed-width reports print."""
    out: list[str] = []
    block: list[list[str]] = []

    def flush() -> None:
        widths: dict[int, int] = {}
        for row in block:
            for i, cell in enumerate(row):
                widths[i] = max(widths.get(i, 0), len(cell) or 1)
        for row in block:
            out.append("  ".join(c.ljust(widths[i]) for i, c in enumerate(row)).rstrip())
        block.clear()

    for line in lines:
        cells = _cells(line)
        if cells is None:
            flush()
            out.append(line)
        else:
            block.append(cells)
    flush()
    return out


def _variant(section, name: str) -> tuple[str, int]:
    """The section rendered another way (same lines, same order): its text and how many
    lines stand above the narrative's first."""
    lines = section.narrative.split("\n")
    titled = not name.endswith("untitled") and bool(section.title)
    if name.startswith("tabs"):
        lines = ["\t".join(c) if (c := _cells(line)) is not None else line for line in lines]
    elif name.startswith("aligned"):
        lines = _aligned(lines)
    elif name.startswith("code_first"):  # the code a row's entry gives, in a first column
        codes: dict[int, str] = {}
        for fact in section.facts:
            for row in fact.rows:
                # the entry's code, where its row shows its value (some entries reference
                # another row than their own)
                line = section.narrative[row[0]:row[1]].lower()
                shown = f"{fact.value:g}" in line if fact.value is not None else \
                    fact.display.split()[0].lower() in line
                if fact.code is not None and shown:
                    codes.setdefault(section.narrative.count("\n", 0, row[0]), fact.code.code)
        out, previous_row = [], False
        for i, line in enumerate(lines):
            cells = _cells(line)
            if cells is None:
                out.append(line)
            else:
                first = codes.get(i, "Code" if not previous_row else "-")
                out.append(" | ".join([first, *cells]))
            previous_row = cells is not None
        lines = out
    text = "\n".join(lines)
    return (f"{section.title}\n{text}", 1) if titled else (text, 0)


VARIANTS = ("titled", "untitled", "tabs", "tabs_untitled", "aligned", "aligned_untitled",
            "code_first", "code_first_untitled")


def _allergy_names(names: list[str]) -> list[str]:
    """A name and, for a drug, its canonical name (brand "Bicillin L-A" is penicillin G
    benzathine) through the drug vocabulary, on both sides alike."""
    vocabulary = load()
    out = list(names)
    for n in names:
        drug = vocabulary.get_typed(n, "medication")
        if drug is not None and drug.extra:
            out.append(drug.extra)
    return out


def ccda(variant: str = "untitled") -> tuple[dict[str, dict[str, float]],
                                               dict[str, dict[str, int]]]:
    """Names for problems, medications and allergies; value and unit for labs and vital
    signs. With, per kind, how many sections were scored and how many of those the
    referenced figure restricted to referenced rows (the others count every prediction)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    sections: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # scored, restricted
    for path in sorted((EVAL / "ccda").glob("*.xml")):
        for section in read_sections(path):
            kind = section.kind
            if kind not in KINDS:
                continue
            text, shift = _variant(section, variant)
            entities = [e for e in extract_clinical(text).entities if e.type == kind]
            referenced = {section.narrative.count("\n", 0, a) for a, _b in
                          section.referenced_spans}

            def on_rows(entity, text=text, shift=shift, referenced=referenced) -> bool:
                return text.count("\n", 0, entity.start) - shift in referenced

            c = counts[kind]
            r = counts[kind + REFERENCED] if kind in ("allergy", "lab", "vital") else c
            if kind in ("lab", "vital"):
                scored = [(g, f) for f in section.facts if (g := _gold_measure(f))]
                gold_m = [g for g, _ in scored]
                if not gold_m:
                    continue
                pred_m = [m for e in entities for m in _pred_measures(e)]
                restrict = all(f.rows for _, f in scored)  # else a gold row is unknown: all
                # a blood pressure's diastolic cannot be judged where no entry codes one
                coded = {g[0] for g in gold_m}
                on = [m for e in entities if not restrict or on_rows(e)
                      for m in _pred_measures(e) if m[0] != "8462-4" or "8462-4" in coded]
                hit = sum(any(_same_measure(p, g) for p in pred_m) for g in gold_m)
                for counter, preds in ((c, pred_m), (r, on)):
                    counter[0] += sum(any(_same_measure(p, g) for g in gold_m) for p in preds)
                    counter[1] += len(preds)
                    counter[2] += hit
                    counter[3] += len(gold_m)
            else:
                gold_facts = [f for f in section.facts if f.display]
                if not gold_facts:
                    continue
                restrict = kind == "allergy" and all(f.rows for f in gold_facts)
                widen = _allergy_names if kind == "allergy" else list
                gold = [widen([f.display]) for f in gold_facts]
                pred = [(widen(_names(e)), e) for e in entities]
                hit = sum(any(_match(n, g) for names, _e in pred for n in names for g in gs)
                          for gs in gold)
                on = [names for names, e in pred if not restrict or on_rows(e)]
                counters = ((c, [names for names, _e in pred]), (r, on)) \
                    if kind == "allergy" else ((c, [names for names, _e in pred]),)
                for counter, preds in counters:
                    counter[0] += sum(any(_match(n, g) for n in names for gs in gold
                                          for g in gs) for names in preds)
                    counter[1] += len(preds)
                    counter[2] += hit
                    counter[3] += len(gold)
            if kind in ("lab", "vital", "allergy"):
                sections[kind][0] += 1
                sections[kind][1] += restrict
    order = [k for kind in KINDS for k in (kind, kind + REFERENCED) if k in counts]
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
    # a chemical is a medicine (one drug, not a class) or another substance
    mapping = {"medication": ("Chemical", lambda e: e.type in ("medication", "substance")
                              and not e.attributes.get("drug_class")),
               "problem": ("Disease", lambda e: e.type == "problem")}
    # the abstracts in PMID order: the even ones were looked at while tuning the vocabulary,
    # the odd ones were not (reported apart; the whole set is the headline figure)
    ordered = [docs[k] for k in sorted(docs)]
    parts = {"": ordered, " (tuned half)": ordered[0::2], " (held-out half)": ordered[1::2]}
    out = {}
    for (ours, (theirs, chosen)), (part, chosen_docs) in \
            ((m, q) for m in mapping.items() for q in parts.items()):
        tp_pred = pred = tp_gold = gold = 0
        for doc in chosen_docs:
            spans = [(s, e) for s, e, k in doc["gold"] if k == theirs]
            found = [(e.start, e.end) for e in extract_clinical(doc["text"]).entities
                     if chosen(e)]
            tp_pred += sum(any(s < ge and gs < e for gs, ge in spans) for s, e in found)
            pred += len(found)
            tp_gold += sum(any(s < ge and gs < e for s, e in found) for gs, ge in spans)
            gold += len(spans)
        out[f"{theirs.lower()}->{ours}{part}"] = prf(tp_pred, pred, tp_gold, gold)
    return out


def assertions() -> dict[str, float]:
    rows = [ln.replace("\\n", "\n").split("\t") for ln in
            (ROOT / "resources" / "clinical" / "assertion_cases.tsv").read_text().splitlines()
            if not ln.startswith("#")]
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
    try:  # the bench extra; without it the round trip is not measured
        from fhir.resources.R4B.bundle import Bundle
    except ImportError:
        return {"bundles": 0, "valid_exports": 0, "facts": 0, "found_again": 0.0,
                "skipped": "fhir.resources not installed (pip install -e .[bench])"}
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


def linearity() -> dict[str, float]:
    """Seconds to extract a text with no sentence end at 100 KB and 1 MB (a linear
    extractor takes about 10 times as long for the second)."""
    unit = "metformin 500 mg daily and aspirin for chest pain with potassium 4.1 then "
    out: dict[str, float] = {}
    for size in (100_000, 1_000_000):
        text = (unit * (size // len(unit) + 1))[:size]
        start = time.process_time()
        extract_clinical(text)
        out[f"{size // 1000}KB_s"] = round(time.process_time() - start, 2)
    out["ratio"] = round(out["1000KB_s"] / max(out["100KB_s"], 1e-6), 1)
    return out


def main() -> None:
    variants = {}
    for name in VARIANTS:
        variants[name], coverage = ccda(name)
    results = {"ccda_narrative_vs_coded": variants["untitled"],
               "ccda_referenced_row_sections": coverage, "ccda_layout_variants": variants,
               "cdr": cdr(), "assertions": assertions(),
               "synthea_round_trip": synthea(), "notes_per_s": speed(),
               "no_sentence_end": linearity()}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "clinical_eval.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = ["# Clinical extraction (bench/clinical_eval.py)", "",
             "| set | type | precision | recall | F1 | predicted | gold |",
             "|---|---|---|---|---|---|---|"]
    for name in ("ccda_narrative_vs_coded", "cdr"):
        for kind, r in results[name].items():
            lines.append(f"| {name} | {kind} | {r['precision']} | {r['recall']} | {r['f1']} | "
                         f"{r['predicted']} | {r['gold']} |")
    kinds = list(variants["untitled"])
    lines += ["", "C-CDA layout variants generated from the shared files (F1; `untitled` is the "
              "narrative as rendered, the row above):", "",
              "| variant | " + " | ".join(kinds) + " |", "|---" * (len(kinds) + 1) + "|"]
    for name, scores in variants.items():
        lines.append(f"| {name} | " + " | ".join(str(scores[k]["f1"]) for k in kinds) + " |")
    a, s, lin = results["assertions"], results["synthea_round_trip"], results["no_sentence_end"]
    lines += [""] + [
        f"C-CDA {kind} (referenced rows): {n['restricted_to_referenced_rows']} of "
        f"{n['scored_sections']} scored sections restricted to the rows their coded entries "
        f"reference; the others count every prediction (a scored fact with no row reference)."
        for kind, n in coverage.items()]
    lines += ["", f"Assertions: accuracy {a['accuracy']} on {a['cases']} cases; negation "
              f"{a['negation_accuracy']}.",
              f"Synthea: {s['valid_exports']}/{s['bundles']} exports validate; "
              f"{s['found_again']} of {s['facts']} coded facts found again"
              + (f" ({s['skipped']})." if s.get("skipped") else "."),
              f"Speed: {results['notes_per_s']} MTSamples notes per second (one process).",
              f"Text with no sentence end: {lin['100KB_s']} s at 100 KB, {lin['1000KB_s']} s "
              f"at 1 MB (ratio {lin['ratio']}; linear is about 10)."]
    (RESULTS / "clinical_eval.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
