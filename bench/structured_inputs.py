"""C-CDA and FHIR files before and after they were read as structure: what the scrubber is
given (words, markup), what it takes from the document's own clinical vocabulary (coded
reactions as surnames), whether the patient's name survives, and the coded entities kept.

"before" is the file's raw text, as a C-CDA or FHIR file was read until structured reading
(the text reader); "after" is the rendered narrative with the vocabulary kept
(engine/documents/structured.py, vocabulary.py). Files (../shared/eval, public samples):
  * dev — looked at while the readers were written: HL7_Samples_CCD.sample.xml,
    Asa_Hermiston_*.json, the first FHIR file by name (the engine test's);
  * report — every other file in ccda/ and fhir/.
Writes bench/results/structured_inputs.{json,md}.

    python bench/structured_inputs.py
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path

import defusedxml.ElementTree as SafeET

from engine.documents import extract_document
from engine.documents.text import read_text
from engine.documents.types import ExtractionLimits
from engine.documents.vocabulary import keep_vocabulary
from engine.phi import Scrubber
from engine.protocol import ScrubPolicy

ROOT = Path(__file__).resolve().parents[1]
EVAL = Path(os.environ.get("HNTAI_EVAL_DIR", ROOT.parent / "shared" / "eval"))
RESULTS = ROOT / "bench" / "results"
_GUESSED = {"NAME", "ORGANIZATION", "LOCATION"}
_V3 = {"v3": "urn:hl7-org:v3"}
_TAG = re.compile(r"</?[A-Za-z][\w:.-]*[\s/>]")  # markup, not a "<130 mg/dL" range


def _dev(path: Path) -> bool:
    first_fhir = sorted((EVAL / "fhir").glob("*.json"))[0]
    return path.name == "HL7_Samples_CCD.sample.xml" or path.name.startswith("Asa_Hermiston") \
        or path == first_fhir


def _patient_words(path: Path) -> set[str]:
    if path.suffix == ".xml":
        name = SafeET.parse(str(path)).getroot().find(
            "v3:recordTarget/v3:patientRole/v3:patient/v3:name", _V3)
        words = [part.text or "" for part in name] if name is not None else []
    else:
        bundle = json.loads(path.read_bytes())
        patient = next(e["resource"] for e in bundle["entry"]
                       if e["resource"]["resourceType"] == "Patient")
        words = [w for n in patient.get("name", []) for w in (*n.get("given", []),
                                                               n.get("family", ""))]
    return {w.strip() for w in words if len(w.strip()) >= 3}


def _taken(text: str, result, terms: set[str]) -> int:
    """Occurrences of the terms the scrubber replaced as a name, place or organisation."""
    guessed = [(s.orig_start, s.orig_end) for s in result.spans if s.type.value in _GUESSED]
    count = 0
    for term in terms:
        for m in re.finditer(rf"(?<!\w){re.escape(term)}(?!\w)", text):
            count += any(a <= m.start() and m.end() <= b for a, b in guessed)
    return count


def _left(scrubbed: str, words: set[str]) -> int:
    return sum(bool(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", scrubbed)) for w in words)


def measure(path: Path, scrubber: Scrubber) -> dict:
    doc = extract_document(path)
    raw = "\f".join(page for page, _ in read_text(path, ExtractionLimits(), lambda: None,
                                                  lambda *_: None))
    reactions = {r for e in doc.coded for r in (e.attributes.get("reaction") or "").split(", ")
                 if r}
    names = _patient_words(path)
    before = scrubber.scrub(raw)
    after = keep_vocabulary(doc.text, scrubber.scrub(doc.text), doc.vocabulary)
    return {
        "file": path.name, "split": "dev" if _dev(path) else "report", "kind": doc.kind,
        "words": {"before": len(raw.split()), "after": len(doc.text.split())},
        "markup_tags": {"before": len(_TAG.findall(before.text)),
                        "after": len(_TAG.findall(after.text))},
        "reactions_taken": {"before": _taken(raw, before, reactions),
                            "after": _taken(doc.text, after, reactions)},
        "reaction_terms": len(reactions),
        "patient_name_words_left": {"before": _left(before.text, names),
                                    "after": _left(after.text, names)},
        "patient_name_words": len(names),
        "coded_entities": dict(Counter(e.type for e in doc.coded)),
    }


def _total(rows: list[dict], key: str, side: str) -> int:
    return sum(r[key][side] for r in rows)


def main() -> None:
    scrubber = Scrubber(ScrubPolicy.SURROGATE, record_secret=b"bench")
    files = sorted((EVAL / "ccda").glob("*.xml")) + sorted((EVAL / "fhir").glob("*.json"))
    rows = [measure(path, scrubber) for path in files]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "structured_inputs.json").write_text(json.dumps(rows, indent=1))
    lines = ["# Structured inputs: raw file text (before) vs rendered narrative (after)", "",
             "| split | kind | files | words before | words after | tags after | "
             "reactions taken before | after | reaction terms | name words left before | "
             "after | coded entities |", "|" + "---|" * 12]
    for split in ("dev", "report"):
        for kind in ("ccda", "fhir"):
            part = [r for r in rows if r["split"] == split and r["kind"] == kind]
            if not part:
                continue
            lines.append(
                f"| {split} | {kind} | {len(part)} | {_total(part, 'words', 'before')} | "
                f"{_total(part, 'words', 'after')} | "
                f"{_total(part, 'markup_tags', 'after')} | "
                f"{_total(part, 'reactions_taken', 'before')} | "
                f"{_total(part, 'reactions_taken', 'after')} | "
                f"{sum(r['reaction_terms'] for r in part)} | "
                f"{_total(part, 'patient_name_words_left', 'before')} | "
                f"{_total(part, 'patient_name_words_left', 'after')} | "
                f"{sum(sum(r['coded_entities'].values()) for r in part)} |")
    (RESULTS / "structured_inputs.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
