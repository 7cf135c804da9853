"""The words of the clinical lexicons (resources/clinical) are known to the scrubber: a
capitalised disease, organism or drug word that no other vocabulary holds is no name. Names
and eponyms among those words stay name-like."""

from __future__ import annotations

import pytest

from engine.phi.lexicons import RESOURCES, load


def _words(name: str) -> set[str]:
    lines = (RESOURCES / name).read_text("utf-8").splitlines()
    return {ln.split("\t")[0].strip().lower() for ln in lines
            if ln.strip() and not ln.startswith("#")}


@pytest.mark.parametrize(
    "text",
    [
        "Serology was positive for Leptospira and doxycycline was started.",
        "Allodynia was noted over the left forearm after the injury.",
        "Her platelets were low; Thrombopenia was thought to be drug related.",
        "Cervical lymphadenitis, previously called Scrofula, was considered.",
        "Exam showed Acrodynia of both hands and feet.",
    ],
)
def test_clinical_lexicon_words_survive(redactor, text):
    assert redactor.scrub(text).text == text


def test_lexicon_words_are_vocabulary():
    vocabulary = load().vocabulary
    assert {"leptospira", "allodynia", "thrombopenia"} <= vocabulary


def test_names_and_places_are_not_made_clinical():
    extra = _words("clinical_lexicon_words.txt")
    assert len(extra) > 1000
    for name in ("given_names.txt", "surnames.txt", "us_places.txt", "world_given_names.txt",
                 "world_places.txt"):
        assert extra.isdisjoint(_words(name)), name


def test_eponyms_stay_name_like(assert_removed):
    # "Aberfeld" is in the lexicons only as part of "Schwartz-Jampel-Aberfeld syndrome".
    assert "aberfeld" not in _words("clinical_lexicon_words.txt")
    assert_removed("Please send the report to Aberfeld tomorrow.", ["Aberfeld"])
