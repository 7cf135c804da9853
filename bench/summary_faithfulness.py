"""Summary faithfulness on generated records whose facts are known.

A seeded generator writes records of one to three notes (clinic notes, follow-ups,
discharge summaries) with: chronic conditions in the history and the past history, past
conditions that are over, denied symptoms (some in lists wrapped onto the next line),
uncertain diagnoses, family history, acute problems that a later note resolves, drugs
that a later note stops or changes or only names again ("Continue X."), allergies with
reactions, results. The summary of each record is scored against what the generator
knows:
- active-problem recall, and the share of listed active problems that are not active;
- medication recall, dose and frequency right, stopped drugs shown as current;
- allergy recall (and reaction right);
- overview statements shown that make a claim the record does not support, judged
  against the generator's truth (not by the summary's own check): a drug, problem or
  number the record does not have, a stopped drug as taken, a denied, family or resolved
  problem as the patient's, an uncertain one as certain, a word neither English nor
  clinical.

Split: seeds 0-39 are the tuning half (what the rules were developed on); the report is
on seeds 1000-1119, never looked at while tuning.

    .venv/bin/python bench/summary_faithfulness.py [--records 120] [--model-records 12]
        [--models smollm2-135m-instruct-q4 ...] [--tune]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from engine.clinical import extract_clinical
from engine.clinical.vocabulary import key as term_key
from engine.models import ModelManager
from engine.phi.lexicons import load as load_lexicons
from engine.summary import SummaryDocument, SummaryOptions, summarize

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
REPORT_SEED = 1000
TUNE_SEED = 0

CHRONIC = ["type 2 diabetes mellitus", "hypertension", "hyperlipidemia", "asthma",
           "hypothyroidism", "atrial fibrillation", "osteoarthritis", "gout",
           "chronic kidney disease", "major depressive disorder", "heart failure",
           "chronic obstructive pulmonary disease", "obstructive sleep apnea", "osteoporosis"]
PAST = ["appendicitis", "pneumonia", "kidney stones", "ankle fracture"]
ACUTE = ["cellulitis", "urinary tract infection", "acute bronchitis", "acute sinusitis",
         "gastroenteritis", "otitis media"]
SYMPTOMS = ["chest pain", "shortness of breath", "fever", "nausea", "vomiting", "dysuria",
            "polyuria", "headache", "palpitations", "dizziness", "hematuria", "syncope"]
UNCERTAIN = ["pulmonary embolism", "peripheral neuropathy", "iron deficiency anemia",
             "carpal tunnel syndrome", "diverticulitis", "migraine"]
FAMILY = ["breast cancer", "colon cancer", "stroke", "myocardial infarction", "lung cancer",
          "prostate cancer", "glaucoma"]
RELATIVES = ["mother", "father", "sister", "brother"]
# drug, unit, strengths, frequencies
DRUGS = [
    ("metformin", "mg", [500, 850, 1000], ["twice daily", "once daily"]),
    ("lisinopril", "mg", [10, 20, 40], ["once daily", "daily"]),
    ("atorvastatin", "mg", [20, 40, 80], ["at bedtime", "once daily"]),
    ("amlodipine", "mg", [5, 10], ["once daily", "daily"]),
    ("levothyroxine", "mcg", [50, 75, 100], ["once daily", "every morning"]),
    ("omeprazole", "mg", [20, 40], ["once daily", "twice daily"]),
    ("sertraline", "mg", [50, 100], ["once daily", "daily"]),
    ("furosemide", "mg", [20, 40], ["once daily", "twice daily"]),
    ("metoprolol", "mg", [25, 50], ["twice daily", "once daily"]),
    ("allopurinol", "mg", [100, 300], ["once daily", "daily"]),
    ("gabapentin", "mg", [300, 600], ["three times daily", "at bedtime"]),
    ("losartan", "mg", [25, 50, 100], ["once daily", "daily"]),
    ("apixaban", "mg", [5], ["twice daily"]),
]
ALLERGENS = [("penicillin", ["hives", "rash", "anaphylaxis"]), ("sulfa", ["rash", "hives"]),
             ("codeine", ["nausea", "itching"]), ("aspirin", ["wheezing", "hives"]),
             ("cephalexin", ["rash"]), ("latex", ["swelling"])]
ROUTES = ["by mouth", "orally", "PO"]


@dataclass
class Truth:
    age: int
    active: set[str] = field(default_factory=set)
    possible: set[str] = field(default_factory=set)
    not_active: set[str] = field(default_factory=set)  # denied, family, resolved, past
    meds: dict[str, tuple[int, str, str]] = field(default_factory=dict)  # current
    previous: dict[str, int] = field(default_factory=dict)  # dose before a change
    stopped: set[str] = field(default_factory=set)
    allergies: dict[str, str] = field(default_factory=dict)
    numbers: set[float] = field(default_factory=set)


def _wrap(text: str, width: int = 72) -> str:
    """Hard-wrapped as dictation systems write notes: lists break across lines."""
    out, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join([*out, line])


def _listed(items: list[str], rng: random.Random) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + rng.choice([" or ", ", or ", " and "]) + items[-1]


def make_record(seed: int) -> tuple[list[SummaryDocument], Truth]:
    rng = random.Random(seed)
    truth = Truth(age=rng.randint(35, 85))
    sex, pronoun, his = rng.choice([("woman", "She", "her"), ("man", "He", "his")])
    chronic = rng.sample(CHRONIC, rng.randint(2, 4))
    in_hpi, in_pmh = chronic[:1], chronic[1:]
    past = rng.sample(PAST, 1)
    acute = rng.choice(ACUTE)
    denied = rng.sample(SYMPTOMS, rng.randint(2, 4))
    uncertain = rng.choice(UNCERTAIN)
    family, relative = rng.choice(FAMILY), rng.choice(RELATIVES)
    meds = rng.sample(DRUGS, rng.randint(3, 5))
    allergen, reactions = rng.choice(ALLERGENS)
    reaction = rng.choice(reactions)
    a1c = round(rng.uniform(5.6, 9.8), 1)
    potassium = round(rng.uniform(3.6, 5.2), 1)
    truth.active |= set(chronic) | {acute}
    truth.possible.add(uncertain)
    truth.not_active |= set(denied) | {family} | set(past)
    truth.allergies[allergen] = reaction
    truth.numbers |= {float(truth.age), a1c, potassium}
    negation = rng.choice([
        f"{pronoun} denies {_listed(denied, rng)}.",
        f"No {_listed(denied, rng)}.",
        f"Negative for {_listed(denied, rng)}.",
        f"{pronoun} reports no {_listed(denied, rng)}."])
    hedge = rng.choice([f"Possible {uncertain}.", f"{uncertain.capitalize()} is suspected.",
                        f"Rule out {uncertain}.", f"Concern for {uncertain}."])
    fam = rng.choice([f"{relative.capitalize()} had {family}.",
                      f"{family.capitalize()} in {his} {relative}.",
                      f"Family history of {family} in {his} {relative}."])
    med_lines = []
    for i, (drug, unit, strengths, freqs) in enumerate(meds, 1):
        dose, freq = rng.choice(strengths), rng.choice(freqs)
        truth.meds[drug] = (dose, unit, freq)
        truth.numbers.add(float(dose))
        med_lines.append(f"{i}. {drug.capitalize()} {dose} {unit} {rng.choice(ROUTES)} {freq}.")
    note1 = "\n".join([
        rng.choice(["CLINIC NOTE", "PROGRESS NOTE", "OFFICE VISIT"]),
        "",
        _wrap(f"HISTORY OF PRESENT ILLNESS: A {truth.age}-year-old {sex} with "
              f"{in_hpi[0]} seen for {acute}. {negation} {hedge}"),
        "",
        _wrap("PAST MEDICAL HISTORY: " + ", ".join(in_pmh + past) + "."),
        "", "MEDICATIONS:", *med_lines, "",
        f"ALLERGIES: {allergen.capitalize()} ({reaction}).", "",
        f"FAMILY HISTORY: {fam}", "",
        f"LABS: Hemoglobin A1c {a1c} %, potassium {potassium} mmol/L.", "",
        "ASSESSMENT AND PLAN:",
        _wrap(f"1. {acute.capitalize()}: treatment started, return if worse."),
        _wrap(f"2. {in_hpi[0].capitalize()}: stable, continue the current plan."),
    ])
    docs = [("n1", "2023-03-14", note1)]
    if rng.random() < 0.7:  # a later note: resolves, stops, changes, restates
        stop = meds[0][0]
        change_drug, change_unit, change_strengths, _ = meds[1]
        old = truth.meds[change_drug][0]
        new = next((s for s in change_strengths if s != old), None)
        bare = meds[2][0]
        lines = [rng.choice([f"The {acute} has resolved.", f"{acute.capitalize()} resolved.",
                             f"{acute.capitalize()} has resolved with treatment."])]
        plan = [rng.choice([f"Discontinue {stop}.", f"Stop {stop}.",
                            f"{stop.capitalize()} was discontinued."])]
        truth.active.discard(acute)
        truth.not_active.add(acute)
        truth.meds.pop(stop)
        truth.stopped.add(stop)
        if new is not None:
            verb = "Increase" if new > old else "Decrease"
            freq = truth.meds[change_drug][2]
            plan.append(f"{verb} {change_drug} to {new} {change_unit} {freq}.")
            truth.meds[change_drug] = (new, change_unit, freq)
            truth.previous[change_drug] = old
            truth.numbers.add(float(new))
        plan.append(f"Continue {bare}.")
        note2 = "\n".join([
            rng.choice(["FOLLOW-UP VISIT", "PROGRESS NOTE"]), "",
            _wrap("HISTORY OF PRESENT ILLNESS: " + " ".join(lines)), "",
            "ASSESSMENT AND PLAN:", *plan])
        docs.append(("n2", "2023-06-20", note2))
    out = [SummaryDocument(i, f"Note {i}", d, t, extract_clinical(t).to_dict())
           for i, d, t in docs]
    return out, truth


def _has(items: list[str], name: str) -> bool:
    k = f" {term_key(name)} "
    return any(k in f" {term_key(text)} " for text in items)


def _dose_right(items: list[str], drug: str, dose: tuple[int, str, str]) -> bool:
    value, unit, freq = dose
    return any(term_key(drug) in term_key(t) and f"{value} {unit}" in t.lower()
               and freq in t.lower() for t in items)


# Words that carry a statement's assertion, for judging it against the truth.
_NEG = re.compile(r"\b(?:no|not|denies|denied|negative|without)\b", re.I)
_UNSURE = re.compile(r"\b(?:possible|possibly|suspected|rule out|concern|may|probable)\b", re.I)
_FAM = re.compile(r"\b(?:family|mother|father|sister|brother)\b", re.I)
_GONE = re.compile(r"\b(?:resolved|stopped|discontinued|past|history)\b", re.I)
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?")
_WORD = re.compile(r"[A-Za-z]{3,}")


def unsupported(statement: str, truth: Truth) -> list[str]:
    """What the statement claims that the generated record does not say."""
    wrong = []
    for drug, *_ in DRUGS:
        if term_key(drug) not in term_key(statement):
            continue
        if drug not in truth.meds and drug not in truth.stopped:
            wrong.append(f"drug not in the record: {drug}")
        elif drug in truth.stopped and not _GONE.search(statement):
            wrong.append(f"stopped drug as taken: {drug}")
    for name in {*CHRONIC, *PAST, *ACUTE, *SYMPTOMS, *UNCERTAIN, *FAMILY}:
        if not _has([statement], name):
            continue
        if name in truth.active:
            continue
        if name in truth.possible:
            if not _UNSURE.search(statement):
                wrong.append(f"uncertain problem as certain: {name}")
        elif name in truth.not_active:
            if not (_NEG.search(statement) or _FAM.search(statement) or _GONE.search(statement)):
                wrong.append(f"denied, family or resolved problem as the patient's: {name}")
        else:
            wrong.append(f"problem not in the record: {name}")
    known = truth.numbers | {float(v) for v in truth.previous.values()} | {2.0}  # "type 2"
    wrong += [f"number not in the record: {n}" for n in _NUMBER.findall(statement)
              if float(n) not in known and not re.search(rf"20\d\d|{n}/", statement)]
    lex = load_lexicons()
    wrong += [f"unknown word: {w}" for w in _WORD.findall(statement)
              if not lex.known(w.lower())]
    return wrong


def score(results: list[tuple[dict, Truth, dict]]) -> dict:
    totals = dict.fromkeys(("active", "active_found", "listed", "listed_wrong", "meds",
                            "meds_found", "dose_right", "stopped", "stopped_as_current",
                            "allergies", "allergies_found", "reaction_right", "written",
                            "statements", "statements_unsupported"), 0)
    examples: list[str] = []
    for sections, truth, grounding in results:
        totals["written"] += grounding.get("statements", 0)
        active = [i["text"] for i in sections["active_problems"]]
        meds = [i["text"] for i in sections["medications"]]
        allergies = [i["text"] for i in sections["allergies"]]
        totals["active"] += len(truth.active)
        totals["active_found"] += sum(_has(active, p) for p in truth.active)
        totals["listed"] += len(active)
        wrong = [t for t in active if not any(_has([t], p) for p in truth.active)]
        totals["listed_wrong"] += len(wrong)
        examples += [f"wrongly active: {t}" for t in wrong]
        totals["meds"] += len(truth.meds)
        totals["meds_found"] += sum(_has(meds, d) for d in truth.meds)
        totals["dose_right"] += sum(_dose_right(meds, d, v) for d, v in truth.meds.items())
        totals["stopped"] += len(truth.stopped)
        totals["stopped_as_current"] += sum(_has(meds, d) for d in truth.stopped)
        totals["allergies"] += len(truth.allergies)
        totals["allergies_found"] += sum(_has(allergies, a) for a in truth.allergies)
        totals["reaction_right"] += sum(any(term_key(a) in term_key(t) and r in t.lower()
                                            for t in allergies)
                                        for a, r in truth.allergies.items())
        for item in sections["overview"]:
            if item.get("generated"):
                totals["statements"] += 1
                claims = unsupported(item["text"], truth)
                if claims:
                    totals["statements_unsupported"] += 1
                    examples.append(f"unsupported statement shown: {claims}")
    t = totals
    return {
        **t,
        "active_recall": round(t["active_found"] / max(1, t["active"]), 3),
        "wrongly_active": round(t["listed_wrong"] / max(1, t["listed"]), 3),
        "medication_recall": round(t["meds_found"] / max(1, t["meds"]), 3),
        "dose_right": round(t["dose_right"] / max(1, t["meds"]), 3),
        "allergy_recall": round(t["allergies_found"] / max(1, t["allergies"]), 3),
        "reaction_right": round(t["reaction_right"] / max(1, t["allergies"]), 3),
        "examples": examples[:15],
    }


TARGETS = {"active_recall": (">=", 0.95), "wrongly_active": ("<=", 0.02),
           "medication_recall": (">=", 0.95), "dose_right": (">=", 0.95),
           "stopped_as_current": ("<=", 0), "allergy_recall": (">=", 0.98),
           "statements_unsupported": ("<=", 0)}


def _meets(value: float, target: tuple[str, float]) -> bool:
    op, limit = target
    return value >= limit if op == ">=" else value <= limit


def run(seeds: range, manager: ModelManager | None, model: str | None) -> tuple[dict, float]:
    results = []
    start = time.perf_counter()
    for seed in seeds:
        docs, truth = make_record(seed)
        options = SummaryOptions(model=model, use_model=model is not None)
        result = summarize(docs, manager, options)
        results.append((result.sections, truth, result.grounding))
    return score(results), time.perf_counter() - start


HANDCHECK_TYPES = ("SOAP / Chart / Progress Notes", "Discharge Summary")


def handcheck(notes_csv: Path, count: int, manager: ModelManager, models: list[str]) -> None:
    """The overview of real notes (the first ``count`` progress notes and discharge summaries
    of the MTSamples subset), scrubbed, each statement listed shown or left out with the
    check's reasons: written to bench/results/summary_handcheck_raw.md to be read by hand."""
    import csv

    from engine.phi import Scrubber
    from engine.summary.facts import build_facts
    from engine.summary.overview import OverviewWriter
    from engine.summary.verify import verify_all

    with notes_csv.open(newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["medical_specialty"].strip() in HANDCHECK_TYPES]
    scrubber = Scrubber(record_secret=b"h" * 32)
    lines = ["# Overview statements on real notes, for reading by hand", ""]
    for row in rows[:count]:
        text = scrubber.scrub(row["transcription"].replace(",  ", "\n").replace(".,", ".\n")).text
        doc = SummaryDocument(row["note_id"], row["sample_name"], None, text,
                              extract_clinical(text).to_dict())
        table = build_facts([doc])
        lines += [f"## MTSamples {row['note_id']} ({row['medical_specialty'].strip()})", ""]
        for name in models:
            with manager.lease("summary", name) as model:
                spec = manager.config.models[model.name]
                writer = OverviewWriter(model, SummaryOptions().resolved(spec.generation),
                                        None, None)
                start = time.perf_counter()
                statements, ids = writer.run(table)
                took = time.perf_counter() - start
            lines.append(f"### {name} ({took:.0f} s, {writer.pieces} tokens, "
                         f"{writer.pieces / took:.1f} tokens/s with the prompt)")
            for v in verify_all(statements or [], table, ids):
                facts = "; ".join(table.get(i).describe() for i in v.statement.facts)
                mark = "SHOWN" if v.shown else f"left out ({', '.join(v.reasons)})"
                lines.append(f"- {mark}: {v.statement.text} — cites: {facts}")
            lines.append("")
    (RESULTS / "summary_handcheck_raw.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=120)
    parser.add_argument("--models", nargs="*", default=["smollm2-135m-instruct-q4"])
    parser.add_argument("--model-records", type=int, default=12,
                        help="records of the report half each model writes an overview of")
    parser.add_argument("--tune", action="store_true", help="score the tuning half instead")
    parser.add_argument("--config", type=Path, default=ROOT / "models_config.json",
                        help="a models_config.json naming models to evaluate beyond the shipped")
    parser.add_argument("--model-dir", type=Path, action="append", default=[],
                        help="a directory holding those models' files")
    parser.add_argument("--handcheck", type=int, default=0,
                        help="instead: overviews of this many real notes, to read by hand")
    args = parser.parse_args()
    if args.handcheck:
        manager = ModelManager.from_config(args.config, args.model_dir)
        eval_dir = Path(os.environ.get("HNTAI_EVAL_DIR", ROOT.parent / "shared" / "eval"))
        handcheck(eval_dir / "notes" / "mtsamples_subset_200.csv",
                  args.handcheck, manager, args.models)
        manager.close()
        return
    first = TUNE_SEED if args.tune else REPORT_SEED
    seeds = range(first, first + args.records)
    rows = {"extractive": run(seeds, None, None)}
    with tempfile.TemporaryDirectory() as tmp:
        shipped = ModelManager.from_config(ROOT / "models_config.json", [Path(tmp)])
        chain = list(shipped.config.chain("summary"))
        shipped.close()
        manager = ModelManager.from_config(args.config, [Path(tmp), *args.model_dir])
        for name in args.models:
            rows[name] = run(range(first, first + args.model_records), manager, name)
        manager.close()
    results = {"split": "tune" if args.tune else "report", "seeds": [first, seeds.stop - 1],
               "shipped_chain": chain, "targets": TARGETS,
               "rows": {k: {**v, "seconds": round(s, 1)} for k, (v, s) in rows.items()}}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "summary_faithfulness.json").write_text(json.dumps(results, indent=2) + "\n")
    header = ["active recall", "wrongly active", "med recall", "dose+freq right",
              "stopped as current", "allergy recall", "statements written",
              "statements shown", "shown unsupported", "seconds"]
    keys = ["active_recall", "wrongly_active", "medication_recall", "dose_right",
            "stopped_as_current", "allergy_recall", "written", "statements",
            "statements_unsupported", "seconds"]
    lines = ["# Summary faithfulness on generated records (bench/summary_faithfulness.py)", "",
             f"Split: {results['split']} (seeds {first}-{seeds.stop - 1}); models write "
             f"overviews of the first {args.model_records} records. Shipped summary chain: "
             f"{' → '.join(results['shipped_chain'])}.", "",
             "| summary | " + " | ".join(header) + " |", "|---" * (len(header) + 1) + "|"]
    for name, (row, seconds) in rows.items():
        row = {**row, "seconds": round(seconds, 1)}
        cells = []
        for k in keys:
            mark = "" if k not in TARGETS or _meets(row[k], TARGETS[k]) else " ✗"
            cells.append(f"{row[k]}{mark}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "Targets: active recall ≥ 0.95, wrongly active ≤ 2 %, medication recall "
              "≥ 0.95, dose and frequency right ≥ 0.95, stopped shown as current 0, allergy "
              "recall ≥ 0.98, overview statements shown with an unsupported claim 0 (✗: "
              "missed).", "", "Examples of misses (report half):"]
    for name, (row, _s) in rows.items():
        lines += [f"- {name}: {e}" for e in row["examples"][:8]]
    (RESULTS / "summary_faithfulness.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
