"""Streets with the house number after the name, and address blocks over several lines."""

from __future__ import annotations

import csv

import pytest
from redaction import REDACT, redacted

from engine.phi import addresses
from engine.phi.cues import at_numbers, at_starts, forget


@pytest.mark.parametrize(
    ("text", "leaks"),
    [
        ("Send it to 4417 Keskuskatu 19 Apt. 12 please", ["4417", "Keskuskatu", "19", "12"]),
        ("She lives at Rua das Flores 230, Coimbra", ["Flores", "230", "Coimbra"]),
        ("Address: Lindenstrasse 42", ["Lindenstrasse", "42"]),
        ("The clinic is on Pod Hradbami 1677", ["Hradbami", "1677"]),
        ("Mail to PSC 1234, Box 5678\nAPO AE 09012", ["1234", "5678", "09012"]),
        ("Stationed on USNS Mercy this year", ["Mercy"]),
        ("Karin Holm\n88 Birkenweg 7\nOSTERBURG\nGermany 39606\n", ["OSTERBURG", "39606"]),
        ("Sent to 12 Elm Street\nSpringfield, IL 62704. Call her.", ["Springfield", "IL 6"]),
        ("Lives at 3 Main St, Dayton, OH 45419 (phone on file)", ["Dayton", "45419"]),
        ("Home: 1987 74 Orchard Street, Tulsa", ["1987", "74", "Tulsa"]),
        ("Meet at the corner of Kowalski Street and Brandt Avenue", ["Kowalski", "and Brandt"]),
    ],
)
def test_addresses_are_removed(text, leaks, assert_removed):
    assert "[LOCATION]" in assert_removed(text, leaks)


@pytest.mark.parametrize(
    "text",
    [
        "Labs: Hgb 13.2, Plt 295, Hct 39.",
        "Tylenol 500 mg and Lipitor 20 at night.",
        "GCS 15, Apgar 9 and 9, BUN 14.",
        "Peronei 3 of 5 strength on the left.",
        "Darvocet-N 100 one tablet as needed.",
    ],
)
def test_numbers_after_clinical_words_are_no_street(text):
    assert not [d for d in REDACT.detect(text) if d.type.value == "LOCATION"]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Lives at 12 Elm Street.\nPlan\nContinue metformin.", ["Plan", "Continue metformin"]),
        ("Moved to 12 Elm Street, Dayton. Call her daughter.", ["Call her daughter"]),
        ("PO Box 4411\nAssessment: stable\n", ["Assessment: stable"]),
        ("Address: 5 Oak Road (Phone: on file)", ["(Phone: on file)"]),
        ("Address: 5 Oak Road, Dayton, OH 45419 Phone: 937", ["Phone: "]),
        ("Address: 5 Oak Road, Dayton        Referred by: self", ["Referred by: self"]),
    ],
)
def test_an_address_block_ends_where_the_address_does(text, kept):
    out = redacted(text)
    for words in kept:
        assert words in out, out


# A number, then "via"/"AV" and a word, is how something is done in a note, not a street.
@pytest.mark.parametrize(
    "text",
    ["HR 70 AV paced with occasional PVCs.", "HR 88 AV PACED NO VEA NOTED. DENIES CP.",
     "In O2 3L via NC- SaO2 93-98%", "maps >60 via nbp with neo", "svr 780 via td. by fick",
     "HR 71 AV paced. u/o 30-50/hr.",
     # an English word that ends like a street word ("-ring", "-weg") before a number
     "Tolerating the mask. Wearing 2L NC overnight.", "Bring 2 pillows from home."],
)
def test_via_and_av_in_notes_are_no_street(text):
    assert redacted(text) == text


@pytest.mark.parametrize(
    ("text", "leaks"),
    [("Ship it to 12 Via Garibaldi 4, Torino", ["Garibaldi"]),
     ("The office is at 9243 Avenue d'Ouchy 109", ["Ouchy"])],
)
def test_number_first_streets_are_removed(text, leaks, assert_removed):
    assert_removed(text, leaks)


def test_numbered_streets_tried_where_they_can_start_find_what_a_scan_finds(eval_dir):
    """A street with its number, tried only at a number, a street word or a capital with no
    word before it (cues.at_starts), finds on real text what scanning all of it finds."""
    with open(eval_dir / "notes" / "mtsamples_subset_200.csv", encoding="utf-8") as fh:
        texts = [row["transcription"] for row in csv.DictReader(fh)][:80]
    texts += ["Lives at 12 Rua Augusta 4, ul. Długa 7 and Pfarrgasse 91; 74678 midtvollen 130.",
              "ΛΕΩΦΌΡΟΣ Κηφισίας 12, Árpád út 62., x12 Main 4, a.Elm 5, 3 rue de pologne 2"]
    spans = 0
    try:
        for text in texts:
            for regex, found in ((addresses._NUMBERED, at_starts(
                    addresses._NUMBERED, text, addresses._NUMBERED_START)), (
                    addresses._LOWER_NUMBERED, at_numbers(addresses._LOWER_NUMBERED, text))):
                expected = [m.span() for m in regex.finditer(text)]
                assert [m.span() for m in found] == expected, text[:80]
                spans += len(expected)
            forget()
    finally:
        forget()
    assert spans > 5
