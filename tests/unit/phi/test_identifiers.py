"""One table per identifier family: what must be caught, and look-alikes that must not."""

from __future__ import annotations

import pytest

from engine.phi import PhiType, Scrubber
from engine.protocol import ScrubPolicy

SCRUBBER = Scrubber(ScrubPolicy.REDACT, record_secret=b"k" * 32)


def found(text: str) -> list[tuple[str, str]]:
    return [(d.type.value, text[d.start:d.end]) for d in SCRUBBER.detect(text)]


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("Contact: jane.doe@mail.example.com today", "EMAIL", "jane.doe@mail.example.com"),
        ("Portal https://portal.clinic.org/u/123 login", "URL", "https://portal.clinic.org/u/123"),
        ("see www.myhealth.net.", "URL", "www.myhealth.net"),
        ("from 10.20.30.40 at night", "IP", "10.20.30.40"),
        ("SSN 123-45-6789 on file", "SSN", "123-45-6789"),
        ("social security number: 123 45 6789", "SSN", "123 45 6789"),
        ("Phone: (937) 555-0148", "PHONE", "(937) 555-0148"),
        ("cell 617.555.0199 or", "PHONE", "617.555.0199"),
        ("call +1 212 555 0100 now", "PHONE", "+1 212 555 0100"),
        ("Fax: 617-555-0123", "FAX", "617-555-0123"),
        ("MRN: 00482913", "MRN", "00482913"),
        ("medical record number 7730015", "MRN", "7730015"),
        ("(MRN #SF-998877)", "MRN", "SF-998877"),
        ("MRN#: 2245781  Unit #: 4483019", "MRN", "2245781"),  # "#" then ":"
        ("Unit #: 4483019", "MRN", "4483019"), ("Acct#: 88812345", "ACCOUNT", "88812345"),
        ("Member ID: XJH123456789", "HEALTH_PLAN", "XJH123456789"),
        ("Medicare MBI 1EG4-TE5-MK73", "HEALTH_PLAN", "1EG4-TE5-MK73"),
        ("Account: 55120934", "ACCOUNT", "55120934"),
        ("card 4111 1111 1111 1111 charged", "ACCOUNT", "4111 1111 1111 1111"),
        ("DEA AB1234563 on script", "LICENSE", "AB1234563"),
        ("NPI: 1234567893", "LICENSE", "1234567893"),
        ("VIN 1HGCM82633A004352 car", "VEHICLE", "1HGCM82633A004352"),
        ("license plate: 7ABC123", "VEHICLE", "7ABC123"),
        ("pacemaker serial number: PM-88213X", "DEVICE", "PM-88213X"),
        ("fingerprint template FP-20931 stored", "BIOMETRIC", "FP-20931"),
        ("photo on file: IMG_2231.jpg", "PHOTO", "IMG_2231.jpg"),
        ("accession ID: AC-778812", "ID", "AC-778812"),
        ("case HBP-234987 reviewed", "ID", "HBP-234987"),
    ],
)
def test_identifier_is_found(text, kind, value):
    assert (kind, value) in found(text) or any(v == value for _, v in found(text)), found(text)


@pytest.mark.parametrize(
    "text",
    [
        "BP 142/88 mmHg, HR 76 bpm, SpO2 97% on room air",
        "Hemoglobin A1c 7.8 % (ref 4.0-5.6), creatinine 1.1 mg/dL",
        "Metformin 1000 mg by mouth twice daily",
        "000-12-3456 is not a valid number",  # area 000 is never issued
        "pain 5/10, ejection fraction 55%",
        "WBC 13.2 K/uL (ref 4.5-11.0), platelets 250",
        "COVID-19 PCR negative, ICD-10 code I10",
        "version 2.1.3 of the protocol",
    ],
)
def test_clinical_numbers_are_left_alone(text):
    kinds = {k for k, _ in found(text)}
    assert kinds <= {"DATE"} and not kinds, found(text)


def test_fax_is_not_a_phone():
    assert ("FAX", "617-555-0123") in found("Fax number 617-555-0123")


def test_phi_types_cover_safe_harbor():
    assert len(PhiType) >= 19


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("reach me on 416 60 039 office hours", "PHONE", "416 60 039"),
        ("nobody answers at 99 668472", "PHONE", "99 668472"),
        ("(37) 788-063-Office, 07700 063 966-Fax", "PHONE", "07700 063 966"),
        ("Mobile: 0341 8387176", "PHONE", "0341 8387176"),
        ("texted her on my registered 668 5702 last night", "PHONE", "668 5702"),
        ("can be reached at his cell 0412 555 019 after six", "PHONE", "0412 555 019"),
        ("Daughter (0961-7596216) will bring him in.", "PHONE", "0961-7596216"),
        ("his driver's license number is 7KQ M41", "LICENSE", "7KQ M41"),
        ("plate ABC 1234 seen", "LICENSE", "ABC 1234"),
    ],
)
def test_grouped_numbers_are_found(text, kind, value):
    assert any(v == value for _, v in found(text)), found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Vitals at 0800: BP 120 80, pulse 72.",
        "Platelets 250 and plateau pressure 30.",
        "Licensed practical nurse 2 years ago.",
        "Started on her usual 500 1000 regimen.",
        "Lot 0961-2023 expired.",
    ],
)
def test_grouped_clinical_numbers_are_left_alone(text):
    assert not found(text), found(text)


# Pagers and extensions, and phones split by spaces inside a bracket.
@pytest.mark.parametrize(
    ("text", "value"),
    [("Questions: Pager #41872", "41872"), ("call PG 60913 with results", "60913"),
     ("he carries beeper number 72104 for consents", "72104"), ("ring the desk at x4417", "4417"),
     ("son Tom (410 555 01234) came in", "410 555 01234"),
     ("her daughter (617555-0199) visited", "617555-0199"), ("pgr 2231 overnight", "2231"),
     ("son's home 555-0142, work# 555 0198", "555-0142"), ("page 4-5678 with results", "4-5678"),
     ("call 410-5550142 after 5", "410-5550142"),
     # a local number a few words after a calling cue, a pager number behind its sign
     ("pls call dtr 555 9087 if changes", "555 9087"),
     ("SON CAN BE REACHED # 555-8810", "555-8810"), ("wife's ph is 5552231", "5552231"),
     ("paged dr green #4-4410 re k+", "4-4410"), ("PAGED RESIDENT #51120", "51120"),
     ("PLS PAGE DR VOIGHT AT 4-1189", "4-1189"),
     # whose number or line it is, with its sign: kin, "(H)", "#", "@"
     ("WIFE (H) 555-1234 (W) 555-9876", "555-9876"), ("sister- 555-6767", "555-6767"),
     ("dtr # is 555-3344", "555-3344"), ("pls call wife @ 555-1313", "555-1313"),
     ("spoke to wife at home (555-1414)", "555-1414"),
     # a pager or extension that ends its sentence; five digits after "paged at"; an
     # extension in capitals in its dashed shape
     ("Covering resident on tonight, pager 7-2290.", "7-2290"),
     ("Please page the fellow at 3-8841.", "3-8841"), ("Surgery paged at 62207.", "62207"),
     ("FOR QUESTIONS CALL THE DESK AT X6-1020", "6-1020"),
     # the hospital's short number after a call; an area code before a slash
     ("Please call 7-4410 with the results.", "7-4410"),
     ("her son can be reached at 617/555-0123", "617/555-0123")],
)
def test_pagers_extensions_and_bracketed_phones(text, value):
    assert ("PHONE", value) in found(text), found(text)


@pytest.mark.parametrize(
    "text",
    ["abg on these settings: 80/48/7.45.34.7 before the change",
     "Fruit plate in frig for the patient", "lower plate was loose and removed",
     "natrecor increased to .015 1800 per the team", "PRBC x2 and FFP x3 given",
     "via PB7200 vent overnight", "(120 mg/day) as before",
     "call md if sbp <90 or hr >120", "called lab re hct 25.3, repeat 2100",
     "paged at 1400 re uo", "paged ho at 1400", "wife gave 1000 mg at 2100",
     "number of stools x3 overnight", "paged ho at 0200.", "pager 4.5 hrs ago",
     "CXR X2 TODAY, LASIX X3", "called pharmacy re 1-2000 units", "BP 120/80-130/90 today"],
)
def test_clinical_look_alikes_of_numbers_stay(text):
    assert not found(text), found(text)
