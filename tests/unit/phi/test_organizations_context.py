"""Organisations named by their context rather than their shape: the line of a contact block,
an employer, where an office is, a person's firm, the venue before an address — and the
hospital units, job titles and form labels in the same places, which survive."""

from __future__ import annotations

import pytest
from redaction import REDACT, redacted

from engine.phi import PhiType


@pytest.mark.parametrize(
    ("text", "leaks"),
    [
        # A clinical word in the firm's name ("scale", "red") no longer hides the line.
        ("Peter Novak\nRapid Scale Haulage\n9 Mill Road\nYork YO1 7HH", ["Rapid", "Haulage"]),
        ("Peter Novak\nRed Ball Movers\n9 Mill Road\nYork YO1 7HH", ["Red Ball Movers"]),
        # The street may begin inside its line.
        ("Tomas Berg\nBright Harvest Bakers\nthe corner of 48 Mill Lane and Oak Street",
         ["Bright Harvest Bakers"]),
        # A quoted block that repeats the name under the firm.
        (">Anita Sorlie\n>Velmora Freight\n>Anita Sorlie\n>12 Castle Street\n>Bergen",
         ["Freight"]),
        # A letter head over the address, with no person.
        ("Brindlecombe Freight\n\n77 Dock Road\nPortsmouth PO1 3AX", ["Freight"]),
    ],
)
def test_the_organisation_line_of_a_contact_block_is_removed(text, leaks, assert_removed):
    assert_removed(text, leaks)


@pytest.mark.parametrize(
    "text",
    [
        "Home Address\n\n77 Dock Road\nPortsmouth PO1 3AX",
        "Follow-up Appointment\n\n77 Dock Road\nPortsmouth PO1 3AX",
        "Dr. Ruth Adeyemi\nInternal Medicine\n12 Elm Street\nSpringfield",
        "Karin Holt\nOffice manager\nBrightwater Removals Ltd\n12 Elm Street\nSpringfield",
        "Karin Holt\nLeasing agent\nHolt and Sons\n12 Elm Street\nSpringfield",
        "Dr. Alan Brooks\nConsultant Cardiologist\n12 Praed Street\nLondon W2 1NY",
        "Jane Ibbotson\nPractice Manager\n12 Elm Street\nSpringfield",
    ],
)
def test_form_labels_units_and_job_titles_in_a_block_survive(text):
    out = redacted(text)
    for line in ("Home Address", "Follow-up Appointment", "Internal Medicine", "Office manager",
                 "Leasing agent", "Consultant Cardiologist", "Practice Manager"):
        if line in text:
            assert line in out, out


@pytest.mark.parametrize(
    ("text", "leaks"),
    [
        ("Employed by Northgate Freight since 2015.", ["Northgate", "Freight"]),
        ("She works at Better Living as a cashier.", ["Better Living"]),
        ("She is a co-founder of Little Acorn Nursery.", ["Little Acorn"]),
        ("The address of Open Door is 40 Rye Lane, Dover.", ["Open Door"]),
        ("The Silver Oak office is at 12 Elm Street.", ["Silver Oak"]),
        ("Directions are on the Sun And Sea website.", ["Sun And Sea"]),
        ("Spoke with Dr. Oyelaran of Open Door about the rent.", ["Open Door"]),
        ("Spoke with Tavita Faleolo of Open Door about the rent.", ["Open Door"]),
        ("Message left for Tavita Faleolo from Can Do Removals.", ["Can Do Removals"]),
        ("We met at Blue Door, 220 Lyme Road.", ["Blue Door"]),
        ("Employer: Harrow Glassworks", ["Harrow Glassworks"]),
        ("He works for 3 Round Stones Inc now.", ["3 Round", "Stones"]),
        # whom one heads, in capitals too
        ("SOCIAL: HUSBAND CEO OF ZENTRA. SMOKER.", ["ZENTRA"]),
        ("Her father was president of Halvorsen Freight until 2019.", ["Halvorsen Freight"]),
        # a place of care of one word, before the when
        ("Knee replacement at Cedars-Sinai on 05/15/2022.", ["Cedars", "Sinai"]),
        # an institution named by what it is of
        ("She was admitted to Children's Hospital of Philadelphia.", ["Philadelphia"]),
        ("Biopsy read at the Hospital of the University of Pennsylvania.", ["University"]),
    ],
)
def test_organisations_named_by_their_context_are_removed(text, leaks, assert_removed):
    assert_removed(text, leaks)


def test_an_unknown_word_someone_joined_is_an_organisation():
    text = "He joined Quillbright last year."
    kinds = {d.type for d in REDACT.detect(text) if "Quillbright" in text[d.start:d.end]}
    assert kinds == {PhiType.ORGANIZATION}, kinds


@pytest.mark.parametrize(
    "text",
    [
        "She works for the county; her husband is employed by the hospital.",
        "She works for Social Services.",
        "She joined AA in 2010 and has been sober since.",
        "Letter from Dr. Lena Fischer of Cardiology.",
        "Seen by Dr. Karl Olsen from Neurology.",
        "Dr. Jane Roe of Internal Medicine came.",
        "Note from Sue Park of Case Management.",
        "Dr. Helen Cho from the Emergency Department agreed.",
        "She was seen at Urgent Care, 220 Lyme Road.",
        "Spoke with Jane Doe from Medicare about coverage.",
        "She worked at Christmas and at Thanksgiving.",
    ],
)
def test_units_and_services_beside_people_and_cues_survive(text):
    out = redacted(text)
    for phrase in ("the county", "the hospital", "Social Services", "AA", "Cardiology",
                   "Neurology", "Internal Medicine", "Case Management", "Emergency Department",
                   "Urgent Care", "Medicare", "Christmas", "Thanksgiving"):
        if phrase in text:
            assert phrase in out, out


def test_a_title_after_works_for_is_a_person():
    text = "He works for Dr. Patel at the clinic."
    kinds = {d.type for d in REDACT.detect(text) if "Patel" in text[d.start:d.end]}
    assert kinds == {PhiType.NAME}, kinds


def test_a_capital_the_inside_a_sentence_belongs_to_the_name():
    assert redacted("Her insurer since 2019 is The Hartwell Group, per her card.") == (
        "Her insurer since 2019 is [ORGANIZATION], per her card.")
    assert redacted("The Hartwell Group called.") == "The [ORGANIZATION] called."


@pytest.mark.parametrize(
    "text",
    ["DIRECTOR OF NURSING AWARE. OWNER OF DOG AT HOME.", "SON IS VP OF SALES.",
     "WIFE PRESIDENT OF THE CLUB.", "Husband is CEO of the hospital."],
)
def test_what_an_executive_heads_is_no_firm_when_it_is_an_everyday_word(text):
    assert redacted(text) == text
