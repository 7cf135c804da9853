"""File names judged like text: kept only when plainly harmless, else a neutral name."""

from __future__ import annotations

import pytest

from engine.documents.file_names import (
    NameJudge,
    name_words,
    neutral_name,
    with_kind,
)


@pytest.fixture(scope="module")
def judge() -> NameJudge:
    return NameJudge.build()


@pytest.mark.parametrize("name", [
    "Delacroix_Evangeline_2023-11-02.pdf",       # surname, given name, date
    "HALVERSEN PETRA dob 02.14.1961.docx",       # capitals, dotted date
    "mrn-7730915 labs.txt",                      # an MRN
    "ph 617 555 0199.txt",                       # a phone number in pieces
    "Wojcik, Anneliese - referral.pdf",
    "BRADSHAWreport.txt",                        # run together
    "pt_OConnell_notes.txt",
    "scan_of_ssn_123-45-6789.pdf",
    "Mr Fitzgerald letter.docx",
    "tamsin.wav",                                # a lower-case given name
    "EvangelineDelacroix",                       # camel case, no extension
    "notes.Delacroix",                           # the name where an extension would be
    "19610214.pdf",                              # a date with no separators
    "clinic 45419.txt",                          # a ZIP code
])
def test_identifying_names_become_neutral(judge, name):
    assert judge.doubtful(name)
    assert judge.source_name(name, 4) == "document 4"


@pytest.mark.parametrize("name", [
    "operative_note.pdf", "medication list.docx", "ultrasound abdomen.pdf",
    "allergy_history.txt", "cardiology-letter-2.pdf", "outpatient.txt",
])
def test_plain_clinical_names_are_kept(judge, name):
    assert not judge.doubtful(name)
    assert judge.source_name(name, 4) == name


def test_a_kept_name_is_still_escaped(judge):
    assert judge.source_name("discharge\nletter.txt", 1) == "discharge\\u000aletter.txt"


@pytest.mark.parametrize(("stem", "words"), [
    ("Delacroix_Evangeline_DOB_2023-11-02", ["Delacroix", "Evangeline", "DOB", "2023-11-02"]),
    ("Lee-Hart.notes", ["Lee", "Hart", "notes"]),
    ("scan0042page", ["scan", "0042", "page"]),
    ("PetraHalversen", ["Petra", "Halversen"]),
    ("referral – final", ["referral", "final"]),
])
def test_name_words(stem, words):
    assert name_words(stem) == words


def test_neutral_names_take_the_kind_read_from_the_file():
    assert neutral_name(3) == "document 3"
    assert with_kind("document 3", "pdf") == "document 3 (PDF)"
    assert with_kind("document 3", "docx") == "document 3 (Word)"
    assert with_kind("operative_note.pdf", "pdf") == "operative_note.pdf"
    assert with_kind("document 12 (image)", "pdf") == "document 12 (PDF)"
    assert with_kind("document twelve", "pdf") == "document twelve"
