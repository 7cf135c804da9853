"""Companies, firms and hospitals by the shape of their names; clinical phrases survive."""

from __future__ import annotations

import pytest
from redaction import redacted


@pytest.mark.parametrize(
    ("text", "leaks"),
    [
        ("She works for Garcia, Mitchell and Hoffman as a clerk.", ["Garcia", "Hoffman", "and"]),
        ("He is an accountant at Ferreira Ltd downtown.", ["Ferreira", "Ltd"]),
        ("Employed by Kowalski and Sons since 2001.", ["Kowalski", "Sons"]),
        ("Her insurer is Draper Holdings.", ["Draper"]),
        ("Contract with Veltrix Solutions ended.", ["Veltrix"]),
        ("Transferred from Denver General overnight.", ["Denver General"]),
        ("Records from UCLA Health were reviewed.", ["UCLA"]),
        ("She was seen at our Tacoma clinic last year.", ["Tacoma"]),
        ("Presented at Saint Aldric Hospital in Tulsa, OK on", ["Aldric", "Tulsa", "OK"]),
        ("Reviewed with Marsh-Whitaker today.", ["Marsh-Whitaker"]),
        ("Seen by Hudson and Mercer in the office.", ["Hudson", "Mercer"]),
        ("She had surgery at Bellmont Kessler on May 10.", ["Bellmont", "Kessler"]),
        ("A biopsy report from Quenby Marsh last week.", ["Quenby", "Marsh"]),
    ],
)
def test_organisations_and_firms_are_removed(text, leaks, assert_removed):
    assert_removed(text, leaks)


@pytest.mark.parametrize(
    "text",
    [
        "Attends a Support Group weekly.",
        "Mental Health follow-up in two weeks.",
        "Review of Systems negative.",
        "Follow up in GI clinic and Cardiology clinic.",
        "History of Stevens-Johnson syndrome.",
        "Both Parkinson and Alzheimer disease run in the family.",
        "Blood Group O positive.",
        "Referred to Home Health and Social Services.",
        "Pain at Night on most days; seen at Emergency Department on arrival.",
        "Follow up in Urology Clinic; admitted to the Intensive Care Unit overnight.",
        # a prefixed word written with a hyphen is no double-barrelled name
        "Re-start heparin at 2000. On-going assessment of resp status. Co-ordinate with PT.",
    ],
)
def test_clinical_and_ordinary_phrases_survive(text):
    assert redacted(text) == text


def test_a_pair_of_people_are_two_names():
    out = redacted("Seen by Hudson and Mercer in the office.")
    assert "[NAME] and [NAME]" in out, out


def test_people_in_a_list_are_removed(assert_removed):
    assert_removed("Their children: Ingrid, Marcus, Tobias and Helena.",
                   ["Ingrid", "Marcus", "Tobias", "Helena"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Last dose was in the month of June.  Hospital course was unremarkable.",
         "Last dose was in the month of [DATE].  Hospital course was unremarkable."),
        ("It was related to his hepatitis C.  Hospital consult was obtained.",
         "It was related to his hepatitis C.  Hospital consult was obtained."),
        ("Seen at Elm St. Clinic on Monday.", "Seen at [ORGANIZATION] on Monday."),
    ],
)
def test_an_institution_word_after_a_sentence_end_starts_a_new_sentence(text, expected):
    assert redacted(text) == expected


@pytest.mark.parametrize(
    "text",
    ["GU irrigant inc. to 300cc in the evening", "dose inc by 2 units", "drip inc to 5"],
)
def test_inc_for_increase_is_no_company(text):
    assert redacted(text) == text
