"""Capitalised words no vocabulary knows that stand where drugs, products, devices and eponyms
stand: they survive the scrubber; a person's name in a person's context does not."""

from __future__ import annotations

import pytest
from redaction import redacted


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # a measured dose after it, whatever the word
        ("Home medications: Zorvalex 12.5 mg once a day and aspirin.", "Zorvalex"),
        ("Formula: Nutrabelle 6 ounces every 3 hours.", "Nutrabelle"),
        ("11. Quintarel-24 300 mg p.o. at bedtime.", "Quintarel"),
        ("Strength: hip flexors 4+/4, Glutei 3-/3-.", "Glutei"),
        # a route before it, or an anatomical structure "of" it
        ("Bowel preparation with oral Kleenprep's the evening before.", "Kleenprep"),
        ("She was given IV Valtrexol 500 mg in the department.", "Valtrexol"),
        ("Flow voids are seen in the circle of Willis.", "Willis"),
        ("The colon was mobilised along the white line of Tolberg.", "Tolberg"),
        # count, form, route or frequency after a word on no name list
        ("She uses Ocuvesta daily and calcium twice a day.", "Ocuvesta"),
        ("Continue Marvacin nasal spray, two puffs each nostril.", "Marvacin"),
        ("She is using Optipred 6 times a day to the left eye.", "Optipred"),
        ("Allegra 180 mg daily for seasonal allergies.", "Allegra"),
        ("2.  Tussaphen II one b.i.d.", "Tussaphen"),
        ("Exercise: Treadcycle 20 minutes, then gait training.", "Treadcycle"),
        ("Periodic breathing with Cheynot's breathing during sleep.", "Cheynot"),
        # taken, tried or prescribed; listed beside drugs
        ("A trial of Nitrovex was started for the hypertension.", "Nitrovex"),
        ("He has been taking Allegra for years.", "Allegra"),
        ("MEDICATIONS:  Lisinopril, metoprolol, and Dolvacet.", "Dolvacet"),
        ("Medications: Accutane and Ovcara.", "Ovcara"),
        # a device or instrument after it
        ("A 15 French Blake drain was left in the pelvis.", "Blake"),
        ("A 12 mm Optiport trocar was placed under vision.", "Optiport"),
        ("The Fujinon video colonoscope was advanced to the cecum.", "Fujinon"),
        ("A Kendura pressure dressing was applied.", "Kendura"),
        ("Two Nobelmax implants will be placed.", "Nobelmax"),
        ("Next, Gerota's fascia was closed with running suture.", "Gerota"),
        # a drug once is a drug throughout the note
        ("He was started on Zorvalex 10 mg. Zorvalex was stopped on day 3.", "Zorvalex was"),
    ],
)
def test_products_devices_and_eponyms_stay(text, kept):
    assert kept in redacted(text)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("NECK: , Supple, no thyromegaly.", "Supple"),
        ("Seminal vesicles normal.  Streaky densities in the fat.", "Streaky"),
        ("Cranial nerves intact.  Ambulates without an assistive device.", "Ambulates"),
        ("Hearing screen passed.  Tympanograms were flat bilaterally.", "Tympanograms"),
    ],
)
def test_exam_words_at_a_heading_or_sentence_start_stay(text, kept):
    assert kept in redacted(text)


def test_a_name_ends_at_the_sentence_end():
    out = redacted("She was seen by Dr. K.  Reportedly, the biopsy was benign.")
    assert "Reportedly, the biopsy" in out and "[NAME]" in out, out


@pytest.mark.parametrize(
    ("text", "leak"),
    [
        # a person's strong context wins
        ("Mr. Darvocet was seen in clinic today.", "Darvocet"),
        ("Dr. Willis reviewed the angiogram.", "Willis"),
        ("Patient: Kling", "Kling"),
        ("She was seen by Blake today.", "Blake"),
        # a number, an age or a phone number after a name makes no drug of it
        ("Kevin 25 years old presented with chest pain.", "Kevin"),
        ("Call John 555-1234 after 5 pm.", "John"),
        # nor a count or a frequency after a name that no drug shares
        ("The nurse gave Mary 2 tablets of acetaminophen.", "Mary"),
        ("Kevin daily walks his dog around the block.", "Kevin"),
        ("Her mother is taking Kevin to the dentist.", "Kevin"),
        ("Katherine's breathing has improved since Tuesday.", "Katherine"),
        # whose something is, or who is put on a drug, after a verb of taking
        ("He was using Wojtaszek's phone to call the clinic.", "Wojtaszek"),
        ("Dr. Lee started Okonkwo-Ibe on metformin last week.", "Okonkwo"),
        # a verb that is also a device's plural ("braces", "drains") makes no eponym
        ("John braces himself for the news.", "John"),
        ("Kevin drains the boil himself.", "Kevin"),
    ],
)
def test_people_still_go(text, leak):
    out = redacted(text)
    assert leak not in out and "[NAME]" in out, out


def test_an_abbreviations_full_stop_and_comma_are_no_line_break():
    out = redacted("Copies to Halvorsen Inc., Bridgewater's office and the GP.")
    assert "Bridgewater" not in out, out
