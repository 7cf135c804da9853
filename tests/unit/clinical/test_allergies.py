"""Where an allergy list ends and what in it names a substance, on text written for these
tests: a list beside its heading, a letter's close, statements that are not substances,
weak cues, and the assertion of an allergy (denied, a relative's, possible)."""

from __future__ import annotations

import pytest

from engine.clinical import extract_clinical
from engine.clinical.sections import find_sections


def _allergies(text: str) -> list[tuple[str, str | None, str]]:
    return [(e.text, e.attributes["reaction"], e.assertion)
            for e in extract_clinical(text).of_type("allergy")]


@pytest.mark.parametrize(("text", "expected"), [
    # a list beside its heading ends with its line; what follows is the note's next part
    ("Allergies: sulfa drugs (rash).\nSincerely, Dr. Ann Lee, Bayside Clinic, tel 555-0100",
     [("sulfa drugs", "rash", "present")]),
    ("Allergies: latex allergy\nNo FH of note\nEx: looks well, alert",
     [("latex", None, "present")]),
    ("ALLERGIES: Penicillin. \nFollow up with Dr. Lee in two weeks.",
     [("Penicillin", None, "present")]),
    # ... save the lines under it that are each one drug, or an allergen with its reaction
    ("Allergies: Penicillin\nCodeine\nLatex - hives\nOtherwise well\nSH: lives alone",
     [("Penicillin", None, "present"), ("Codeine", None, "present"),
      ("Latex", "hives", "present")]),
    ("Allergies: NKDA\nMeds reviewed", []),
    ("ALLERGIES: Penicillin\nSulfa\nShellfish\nLooks well", [("Penicillin", None, "present"),
                                                           ("Sulfa", None, "present"),
                                                           ("Shellfish", None, "present")]),
    # an allergen no drug list holds is named in a longer item too
    ("She has an allergy to sulfa drugs according to her son.",
     [("sulfa drugs", None, "present")]),
    # ... or the line runs on
    ("ALLERGIES: penicillin, sulfa,\ncodeine\n", [("penicillin", None, "present"),
                                                  ("sulfa", None, "present"),
                                                  ("codeine", None, "present")]),
    # a line about the list is not the list: the lines under it are
    ("Allergies: reviewed\nPenicillin - hives\nLatex\n\nPlan: rest",
     [("Penicillin", "hives", "present"), ("Latex", None, "present")]),
    # a heading on its own line, then a letter's close
    ("Allergies:\nShellfish (hives).\nYours sincerely,\nDr. Ann Lee\nBayside Clinic",
     [("Shellfish", "hives", "present")]),
    ("ALLERGIES:\nAmoxicillin - rash\nElectronically signed by: Ann Lee, MD",
     [("Amoxicillin", "rash", "present")]),
])
def test_where_an_allergy_list_ends(text, expected):
    assert _allergies(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # statements in an allergy section name no substance
    ("ALLERGIES:\nDenies seasonal allergies.\n", []),
    ("ALLERGIES:\nSeasonal environmental allergies.\n", []),
    ("ALLERGIES: ALLERGIES TO MEDICATIONS ARE NONE.", []),
    ("ALLERGIES: THE PATIENT IS NOT ALLERGIC TO ANY MEDICATIONS.", []),
    ("She has allergies to multiple pain medications.", []),
    # an unknown substance ends before a verb or a function word
    ("ALLERGIES:\nPeanuts cause a severe, anaphylactic reaction.\n",
     [("Peanuts", "anaphylactic reaction", "present")]),
    ("ALLERGIES:\nMethylprednisolone causes itching.\nDoxycycline gave her hives.\n",
     [("Methylprednisolone", "itching", "present"), ("Doxycycline", "hives", "present")]),
    ("He is allergic to shellfish, which causes hives.", [("shellfish", "hives", "present")]),
    # capitals: "AND" joins as "and" does
    ("SHE IS ALLERGIC TO CODEINE, PENICILLIN, AND CEPHALOSPORINS.",
     [("CODEINE", None, "present"), ("PENICILLIN", None, "present"),
      ("CEPHALOSPORINS", None, "present")]),
])
def test_what_in_an_allergy_list_names_a_substance(text, expected):
    assert _allergies(text) == expected


@pytest.mark.parametrize("text", [
    "Culture grew E. coli sensitive to ceftriaxone and ciprofloxacin.",
    "Some sensitivity to bright lights now, no nausea.",
    "She denies intolerance to heat or cold.",
    "Fetal intolerance to labor, failure to progress.",
])
def test_susceptibility_and_symptoms_are_not_allergies(text):
    assert _allergies(text) == []


def test_intolerance_of_a_known_drug_is_read_as_far_as_the_drug():
    assert _allergies("Intolerant of statins and heat.") == [("statins", None, "present")]
    # the words after a weak cue stay what they are when no drug follows
    problems = [e.text for e in extract_clinical(
        "Intolerance to exertion and heat, hypertension.").of_type("problem")]
    assert "hypertension" in problems


@pytest.mark.parametrize(("text", "assertion"), [
    ("She is not allergic to penicillin.", "negated"),
    ("Pt denies allergy to latex.", "negated"),
    ("No allergy to iodine contrast.", "negated"),
    ("He is not known to be allergic to aspirin.", "negated"),
    # a negation in an earlier clause does not reach the allergy
    ("DH: not on any medication, allergic to peanuts", "present"),
    ("No fever, but allergic to penicillin.", "present"),
    ("Labetalol not started earlier d/t allergy to metoprolol.", "present"),
    ("Her mother is allergic to penicillin.", "family"),
    ("Possible allergy to amoxicillin.", "possible"),
    # a past-history section does not make an allergy historical
    ("PAST MEDICAL HISTORY: Asthma. Allergic to penicillin.", "present"),
])
def test_the_assertion_of_an_allergy(text, assertion):
    assert [a for _t, _r, a in _allergies(text)] == [assertion]


def test_a_denied_allergy_is_kept_as_negated_and_none_known_still_holds():
    extraction = extract_clinical("Allergies: NKDA.\nHPI: She is not allergic to latex.")
    assert [(a.text, a.assertion) for a in extraction.of_type("allergy")] == \
        [("latex", "negated")]
    assert extraction.no_known_allergies


@pytest.mark.parametrize("close", ["Sincerely,", "Kind regards,", "Best regards", "Regards,",
                                   "Respectfully,", "Yours truly,", "Dictated by: A. Lee",
                                   "Electronically signed by: A. Lee",
                                   "Electronically signed by Ann Lee, MD on 03/02/2024."])
def test_a_letters_close_ends_the_section_before_it(close):
    text = f"Medications: aspirin 81 mg daily.\n{close}\nDr. Ann Lee"
    sections = find_sections(text)
    assert [s.name for s in sections] == ["medications", "other"]
    assert text[sections[0].end:].startswith(close)


@pytest.mark.parametrize("line", ["Signed consent was obtained.", "Regards to her family.",
                                  "Sincerely hopes to return to work."])
def test_a_sentence_opening_with_a_closing_word_is_no_close(line):
    assert [s.name for s in find_sections(f"Plan: rest.\n{line}\n")] == ["assessment_plan"]
