"""Names by the shape of speech about people: whom a speaker addresses, kin beside their
kinship, who spoke a quotation, who is given something of theirs — in ordinary and in
lower-case (transcribed) text — and the everyday and clinical words the same shapes leave."""

from __future__ import annotations

import pytest
from redaction import redacted


@pytest.mark.parametrize(
    ("text", "leak"),
    [
        # spoken to: after a comma before "?" or "!", after a greeting, before a request
        ("Does it hurt when I press here, Kelly? Tell me if it does.", "Kelly"),
        ("Keep the dressing dry until Friday, Frank!", "Frank"),
        ("Thank you, Bill. The nurse will be in shortly.", "Bill"),
        ("Doctor: Grace, can you take a deep breath for me?", "Grace"),
        ("The patient's husband, Al, is present and agrees with the plan.", "Al"),
        # kin beside the kinship, and what a child was named
        ("Her husband Frank drove her to the emergency department.", "Frank"),
        ("My son, Mark, will pick her up after the procedure.", "Mark"),
        ("She named him Angel after her father.", "Angel"),
        # whoever is given something of theirs
        ("The nurse gave Angel her discharge papers and a follow-up card.", "Angel"),
        ("Grace had told Kelly her results before the visit.", "Grace"),
        # who speaks a quoted line of a transcript
        ('Hope: "It started on Monday."\nDoctor: "Any fever?"', "Hope"),
        # who spoke a quotation, even a word shaped like an enzyme's name
        ('"The swelling went down within a day," says Dumase.', "Dumase"),
        # a given name before a surname no vocabulary knows, though it is an everyday word
        ("Copies of this letter go to Grace Wojciechowska and the GP.", "Grace"),
    ],
)
def test_names_by_their_place_in_speech(text, leak):
    out = redacted(text)
    assert leak not in out and "[NAME]" in out, out


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Frank blood in the stool, no melena.", "Frank blood"),
        ("Mark the site before the procedure.", "Mark the site"),
        ("Ambulates with a cane, Walker.", "Walker"),
        ("Urine color: Straw, Amber.", "Amber"),
        ("White blood cells were normal. Follow-up: April, May.", "April, May"),
        ("Doctor: Ok, let me check your blood pressure.", "Ok"),
        ("Mm-hmm. Erm, I have had a fever since Tuesday.", "Erm"),
        ("Patient: Will, I think, is the word.", "Will"),
        ("Her mother gave Mom her pills.", "Mom"),
        ('"It hurts here," the patient said.', "patient"),
        ("Nurse told Kelly her results.", "Nurse told"),
        ('Mother: "Since Monday, May said."', "Mother"),
        # kin before a relative clause is spoken of, not to ("Son, who …", "Sister, what …")
        ("Pt seen in ED, then sent to CCU. Son, who is HCP, called.", "Son, who"),
        ("Family meeting held. Sister, when asked, agreed with the plan.", "Sister, when"),
    ],
)
def test_everyday_words_in_the_same_shapes_stay(text, kept):
    assert kept in redacted(text)


@pytest.mark.parametrize(
    ("text", "leaks"),
    [
        # whom the doctor greets, and the same name later where nothing else marks it
        ("[doctor] hi , brian . how are you ?\n[doctor] so , brian is a 58 year old male .",
         ("brian",)),
        ("[doctor] cheryl , can you lie back for me ?", ("cheryl",)),
        ("[doctor] any questions , hannah ? [patient] no .", ("hannah",)),
        ("[patient] my kid oskar has had a cough since monday .", ("oskar",)),
        ("[patient] i had given cormac his inhaler before school .", ("cormac",)),
        ("[patient] the letter from eric g. samoylova's office came today .",
         ("eric", "samoylova")),
    ],
)
def test_lower_case_transcripts(text, leaks):
    out = redacted(text)
    assert "[NAME]" in out and not any(leak in out for leak in leaks), out


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("[patient] yup , yup . [doctor] any reflux , gerd , dyspepsia ?", "gerd"),
        ("[patient] yup , yup . all good .", "yup"),
        ("[patient] i lost my wife six months ago .", "six months"),
        ("[patient] my mom fell last week .", "fell"),
        ("[patient] my son sean i think met you before .", "i think"),
        ("[patient] erm , i have a fever .", "erm"),
        ("[patient] i gave mom her pills .", "mom"),
        # where the writer capitalises, a lower-case word is no name
        ("Doctor: Hey, bud. What brings you in today?", "bud"),
        ("Doctor: Any abdominal pain, fever, chill, or other symptoms?", "chill"),
        ("Patient: I was, but I lost my wife six months ago.", "six"),
    ],
)
def test_lower_case_words_that_stay(text, kept):
    assert kept in redacted(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # two everyday name words alone inside a sentence are a person
        ("A man with depression, Jack Taylor, was seen today.",
         "A man with depression, [NAME], was seen today."),
        # … but not before a street's or an institution's word
        ("She lives on Rose Street.", "She lives on [LOCATION]."),
        # at a sentence start, as the subject
        ("Jack Taylor was seen today.", "[NAME] was seen today."),
        # after a label asking for a name, a surname that is also a word; not after others
        ("What is your last name? Black", "What is your last name? [NAME]"),
        ("Patient: White male, 45.", "Patient: White male, 45."),
        # what people call someone, and whose kin: even a name that is also an eponym's
        ("Sometimes people call me Kelly.", "Sometimes people call me [NAME]."),
        ("He lives with Kelly's son.", "He lives with [NAME]'s son."),
        ("A Kelly clamp was applied.", "A Kelly clamp was applied."),
        ("Please call Cardiology.", "Please call Cardiology."),
        # who introduces themselves with a full name; "I am Cuban" is no introduction
        ("Hi, this is Rose Baker from the clinic.", "Hi, this is [NAME] from the clinic."),
        ("I am Cuban and proud of it.", "I am Cuban and proud of it."),
        ("This is Pain Management calling.", "This is Pain Management calling."),
        # whose things: an eponym's name before them is a person's
        ("(though Wilson's song was about a boat)", "(though [NAME]'s song was about a boat)"),
        ("History of Wilson's disease.", "History of Wilson's disease."),
        # a state's name makes an institution's name, not a hospital unit
        ("She was admitted to Texas Health Hospital.", "She was admitted to [ORGANIZATION]."),
    ],
)
def test_everyday_name_words_in_a_name_place(text, expected):
    assert redacted(text) == expected


@pytest.mark.parametrize("credential", ["MD", "M.D", "DO", "D.O", "RN", "NP", "PA", "PA-C",
                                        "PhD", "DDS", "DMD", "MBBS", "FACP", "FACS", "CNM",
                                        "LPN", "APRN", "DPM", "MSN"])
def test_every_credential_holds_a_mark_the_name_rule_is_gated_by(credential):
    from engine.phi.names import _CREDENTIAL_MARKS, _CREDENTIAL_WORD

    assert _CREDENTIAL_WORD.fullmatch(credential)
    assert any(mark in credential for mark in _CREDENTIAL_MARKS)
