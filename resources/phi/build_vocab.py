"""Rebuild english_words.txt and clinical_vocab.txt from the PyPI packages they come from.

    pip install wordfreq==3.1.1 simple-icd-10-cm==1.5.0 drug-named-entity-recognition==2.0.9
    python resources/phi/build_vocab.py

The engine never imports these packages; it reads the two text files this writes.
"""

from __future__ import annotations

import bz2
import pickle
import re
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


def _write(name: str, header: str, words: list[str]) -> None:
    (HERE / name).write_text(header + "\n".join(words) + "\n", "utf-8")


if __name__ == "__main__":
    _write("english_words.txt",
           "# The 40,000 most frequent English words, lower case, most frequent first.\n"
           "# From wordfreq 3.1.1 (PyPI; code Apache-2.0, word lists CC BY-SA 4.0,\n"
           "# (c) Robyn Speer / Luminoso). Built by build_vocab.py.\n", english_words())
    _write("clinical_vocab.txt",
           "# Words of clinical vocabulary, lower case: every word of the ICD-10-CM tabular\n"
           "# list (CDC/NCHS, public domain; via simple-icd-10-cm 1.5.0) and drug\n"
           "# generic and brand names (DrugBank open data CC0, NHS, MeSH; via\n"
           "# drug-named-entity-recognition 2.0.9, MIT). Built by build_vocab.py.\n",
           clinical_words())
