"""Regenerate the name lexicons beside this file (run by hand, never at run time).

    .venv/bin/pip install drug-named-entity-recognition==2.0.9 simple-icd-10-cm==1.5.0 \
        wordfreq==3.1.1
    .venv/bin/python resources/clinical/build_lexicons.py [path/to/shared/eval/fhir]

* lexicon_drugs.tsv    drug names and synonyms (term, canonical name) from the dictionary
                       shipped in the PyPI package drug-named-entity-recognition (MIT; its
                       data come from DrugBank open vocabulary (CC0), MeSH and MedlinePlus
                       (NLM, public domain) and Wikipedia names). Common English words
                       (wordfreq Zipf >= 4) are dropped: "gold", "iron", "water".
* lexicon_diseases.tsv short disease and symptom names (term, ICD-10-CM code, title) from
                       the ICD-10-CM tabular list shipped in simple-icd-10-cm (CDC/NCHS, US
                       public domain): titles and inclusion terms of at most five words,
                       without residual classes ("other", "unspecified", "due to", …).
* synthea_codes.tsv    (type, term, system, code, display) pairs from the coded entries of
                       the Synthea bundles in shared/eval/fhir (Synthea is Apache-2.0; the
                       codes are SNOMED CT, RxNorm and LOINC identifiers).
The engine reads only the TSVs.
"""

from __future__ import annotations

import bz2
import json
import pickle
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
_RESIDUAL = re.compile(r"\b(?:other|unspecified|specified|due to|with|without|classified|"
                       r"sequela|encounter|NOS|NEC|and|or|in|of the|by|from|following|"
                       r"affecting|involving|type [A-Z]|stage|initial|subsequent)\b|[\[(,;:]",
                       re.IGNORECASE)
_TRAILING = re.compile(r",\s*(?:unspecified|not elsewhere classified)$|\s+NOS$", re.IGNORECASE)
_SEMANTIC_TAG = re.compile(r"\s*\((?:disorder|finding|procedure|situation|substance|"
                           r"regime/therapy)\)$")
_DOSE = re.compile(r"^(?:\d+(?:\.\d+)?\s+(?:HR|ML|ACTUAT)\s+)?(?P<name>[A-Za-z][A-Za-z -]*?)\s+"
                   r"\d", re.IGNORECASE)


def drugs() -> list[tuple[str, str]]:
    import drug_named_entity_recognition as package
    from wordfreq import zipf_frequency

    path = Path(package.__file__).parent / "drug_ner_dictionary.pkl.bz2"
    with bz2.open(path) as fh:
        data = pickle.load(fh)  # the package's own shipped file, read once here
    rows = []
    for variant, canonicals in data["drug_variant_to_canonical"].items():
        term = " ".join(variant.split())
        if len(term) < 4 or not re.search(r"[a-z]{3}", term) or "\t" in term:
            continue
        if " " not in term and zipf_frequency(term, "en") >= 4.0:
            continue
        rows.append((term, canonicals[0]))
    return sorted(set(rows))


def diseases() -> list[tuple[str, str, str]]:
    import simple_icd_10_cm as package

    tabular = next((Path(package.__file__).parent / "data").glob("icd10*-tabular-*.xml"))
    rows: dict[str, tuple[str, str, str]] = {}
    for diag in ET.parse(tabular).getroot().iter("diag"):
        code, title = diag.findtext("name") or "", diag.findtext("desc") or ""
        names = [title] + [n.text or "" for n in diag.findall("inclusionTerm/note")]
        for name in names:
            term = _TRAILING.sub("", name.strip()).lower()
            if not term or _RESIDUAL.search(term) or len(term.split()) > 5 or len(term) < 4:
                continue
            rows.setdefault(term, (term, code, title))  # the shortest (first) code wins
    return sorted(rows.values())


def synthea(fhir_dir: Path) -> list[tuple[str, str, str, str, str]]:
    kinds = {"Condition": "problem", "Procedure": "procedure", "MedicationRequest": "medication",
             "AllergyIntolerance": "allergy"}
    rows = set()
    for path in sorted(fhir_dir.glob("*.json")):
        for entry in json.loads(path.read_text())["entry"]:
            resource = entry["resource"]
            kind = kinds.get(resource["resourceType"])
            concept = resource.get("code") or resource.get("medicationCodeableConcept")
            if kind is None or not concept:
                continue
            coding = concept["coding"][0]
            display = coding["display"]
            if "(situation)" in display or "(person)" in display:
                continue
            term = _SEMANTIC_TAG.sub("", display).lower()
            rows.add((kind, term, coding["system"], coding["code"], display))
            if kind == "medication" and (m := _DOSE.match(display)):
                rows.add((kind, m.group("name").lower(), "", "", ""))  # ingredient, uncoded
    return sorted(rows)


def _write(name: str, header: str, rows) -> None:
    lines = [header] + ["\t".join(r) for r in rows]
    (HERE / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(name, len(rows))


def main() -> None:
    fhir_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else \
        HERE.parents[2] / "shared" / "eval" / "fhir"
    _write("lexicon_drugs.tsv", "# term\tcanonical  (generated by build_lexicons.py)", drugs())
    _write("lexicon_diseases.tsv", "# term\ticd10cm\ttitle  (generated by build_lexicons.py)",
           diseases())
    _write("synthea_codes.tsv", "# type\tterm\tsystem\tcode\tdisplay  (generated by "
           "build_lexicons.py)", synthea(fhir_dir))


if __name__ == "__main__":
    main()
