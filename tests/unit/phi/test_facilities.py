"""Hospitals, wards and homes of care named the way notes name them, in capitals, lower case
or sentence case — and the kinds of places and units of care that name none."""

from __future__ import annotations

import pytest
from redaction import redacted

from engine.phi.facilities import FacilityRecognizer, text_case

RECOGNIZER = FacilityRecognizer()


def found(text: str) -> set[str]:
    return {text[d.start:d.end] for d in RECOGNIZER.analyze(text)}


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a short name before what the place is
        ("ADMITTED IN TRANSFER FROM LINDQUIST HOSPITAL WITH SEPSIS", {"LINDQUIST"}),
        ("pt was taken to brennock hosp. by ems", {"brennock"}),
        ("Plan is discharge to Harwich Rehab tomorrow.", {"Harwich Rehab"}),
        ("SENT TO ORTEGA EW WHERE EKG WAS DONE", {"ORTEGA"}),
        ("LIVES AT FENWICK HOUSE SINCE HER STROKE", {"FENWICK"}),
        # where a patient is sent, taken or seen
        ("TRANSFERRED TO WMC FOR CATH 4/2", {"WMC"}),
        ("seen by KLM nurse for hospice arrangements", {"KLM"}),
        ("she is followed at wmc by her cardiologist", {"wmc"}),
        ("Plan: transfer to vandermeer 3 once off pressors", {"vandermeer"}),
        ("Will go to Oakhurst for rehab after discharge.", {"Oakhurst"}),
        ("He had his valve done at Saint Cuthbert Medical.", {"Saint Cuthbert"}),
        # a saint's or a university's name in shorthand
        ("wishes to return to st. agnes after weaning", {"st. agnes"}),
        ("insulin drip per U Vermont protocol", {"U Vermont"}),
        # a ward and its number; a rare name after "at"
        ("Pt remains on Osler 7 awaiting a bed.", {"Osler"}),
        ("Her valve was replaced at Hopkins last spring.", {"Hopkins"}),
        ("Cath done at JHMC on Monday, two stents.", {"JHMC"}),
        # after what was done there, wherever its sentence goes on
        ("CT done 4/2 at BMC showed no bleed.", {"BMC"}),
        ("CATH DONE AT UMD SHOWED 3VD.", {"UMD"}),
        # a centre of care in shorthand
        ("PT TRANSFERRED FROM NORTHSHORE MEDICAL CTR 11/3 FOR CABG EVAL.", {"NORTHSHORE"}),
        ("Imaging reviewed at Quillfeather Med Ctr. last week.", {"Quillfeather"}),
        # in any case, a word no vocabulary knows after what was done or where one was cared for
        ("FOLLOWED BY DR SADOWSKI AT BAYSTATE.", {"BAYSTATE"}),
        ("pt seen at wexcombe last week for a fall.", {"wexcombe"}),
        # where one works
        ("SON IS A NURSE AT MGH. WILL VISIT.", {"MGH"}),
        ("Pt en route to Wexcombe Rehab. PT ENROUTE TO KERNAN.", {"Wexcombe Rehab", "KERNAN"}),
        ("ADMITTED FROM FENWICK MEMORIAL 2 DAYS AGO", {"FENWICK MEMORIAL"}),
        # a ward by a compass point or a name (an eponym too) and its number after a move
        ("TO GO TO WEST 4 WHEN BED AVAILABLE", {"WEST"}),
        ("transfer to ellison 10 this am", {"ellison"}),
        ("pt came up from Tolliver 6 at 1400.", {"Tolliver"}),
        # "the general" where a patient comes from or goes; a state's region
        ("came from the general last night", {"general"}),
        ("PT TRANSFERRED TO THE GENERAL FOR CATH", {"GENERAL"}),
        ("lives on the eastern shore with her son", {"eastern shore"}),
        # back to, returned to, took … to; a discharge in shorthand
        ("Plan to transfer back to rossmere once stable.", {"rossmere"}),
        ("PT TO RETURN TO ABBOTSLEIGH WHEN MEDICALLY CLEARED", {"ABBOTSLEIGH"}),
        ("family took her over to Wendmoor for a second opinion.", {"Wendmoor"}),
        ("d/c'd to brantholme after 2 wks", {"brantholme"}),
        # a short name after "at" in any case, where a destination ends
        ("S/P CATH AT KH 3/9 WITH 2 STENTS", {"KH"}),
        ("s/p stent at kh last week", {"kh"}),
        ("Angioplasty at KH, then home.", {"KH"}),
        # centres and homes of care, and "X general"
        ("resides at ardwick multicare center since her fall", {"ardwick"}),
        ("LIVES AT THORNBURY RETIREMENT COMMUNITY WITH WIFE", {"THORNBURY"}),
        ("came in from Larkmead Senior Living by ambulance", {"Larkmead"}),
        ("was taken to pemberton general, then sent here", {"pemberton general"}),
        # a town's state before the noun says where, not which
        ("a brief overview of this laurelton maryland's facility", {"laurelton"}),
        # a short name before a unit, its staff or its records
        ("KH ICU NURSE CALLED WITH REPORT", {"KH"}), ("per WMC records, allergic to pcn", {"WMC"}),
        ("report from the kh ccu charge nurse", {"kh"}),
        ("returned from kh cath lab at 1500", {"kh"}),
        # hospitals named by faith or charity; a veterans' hospital by its town
        ("was at sacred heart for 3 days", {"sacred heart"}),
        ("TRANSFERRED TO MERCY FOR CATH", {"MERCY"}),
        ("cabg at Good Samaritan 1998", {"Good Samaritan"}),
        ("to be transferred to the ottersby va.", {"ottersby"}),
        # a place of care where a bed is; home to; en route to
        ("will go to rehab at brackmoor when stable", {"brackmoor"}),
        ("AWAITING BED AT FELWORTHY MANOR", {"FELWORTHY"}),
        ("discharged home to ottersby with vna", {"ottersby"}),
        ("ambulance en route to kessingham now", {"kessingham"}),
        # a ward no vocabulary names, with its number, where a bed or a patient goes
        ("awaiting bed on felworthy 4.", {"felworthy"}),
        ("PT GOING TO BRACKMOOR 6 LATER TODAY", {"BRACKMOOR"}),
        # the outside hospital's name in brackets or dashes
        ("transferred from osh (westvale) with sepsis", {"westvale"}),
        ("OUTSIDE HOSPITAL - FELWORTHY - RECORDS SENT", {"FELWORTHY"}),
        # a word after the name that is part of it, not the kind of place
        ("TAKEN TO EASTON REGIONAL WHERE CK POS.", {"EASTON REGIONAL"}),
        ("the coordinator from Holy Family memorial called", {"Holy Family memorial"}),
        ("discharge to Kernan Rehab tomorrow", {"Kernan Rehab"}),
        ("plan transfer to kernan rehab in am", {"kernan"}),
        # a hospital of faith in lower case in a sentence-case note, before what it is
        ("Pt slated to go to rehab(good samaritan Memorial) today.", {"good samaritan Memorial"}),
        ("Family asks for transfer to holy cross hospital in am.", {"holy cross"}),
        # an arrival into a place
        ("63 yo man came into GH on 3/4 with SOB", {"GH"}),
        ("PT WAS BROUGHT INTO KH VIA EMS.", {"KH"}),
        ("63 YO MALE TRANSFERED FROM MEMORIAL HOSPITAL W CHF", {"MEMORIAL"}),
    ],
)
def test_facilities_by_context(text, names):
    assert names <= found(text), found(text)


def test_a_facility_is_that_facility_wherever_the_note_names_it_again():
    text = "TRANSFERRED FROM LINDQUIST HOSPITAL 3/2.\nRECEIVED 2 FFP AT LINDQUIST- STABLE."
    spans = [(d.start, d.end) for d in RECOGNIZER.analyze(text)]
    assert {text[s:e] for s, e in spans} == {"LINDQUIST"} and len(set(spans)) == 2


@pytest.mark.parametrize(
    "text",
    [
        "TRANSFERRED TO MICU FOR CLOSER MONITORING", "sent to CT then back to the floor",
        "pt went to OR at 0800", "transferred from OSH on pressors", "seen by PT and OT today",
        "discharge to home with VNA", "returned to baseline mental status",
        "transfer to sc heparin tomorrow", "started on TNG gtt, relief from NTG",
        "we are going to titrate the drip", "admitted to the hospital for observation",
        "hospital course was uncomplicated", "Guidelines for post-stroke rehabilitation",
        "she was seen at outside hospital", "cardiac rehab referral placed",
        "HOUSE STAFF NOTIFIED OF THE CHANGE", "CON'T REHAB/PT AS TOLERATED",
        "Copies of this letter go to Grace Wojciechowska and the GP.",
        "Her family moved from the West Coast last year.", "4 U NPH given at HS",
        "NSR with occasional PVCs, ST depression resolved", "sats 95% on RA 2L",
        "pt remains on psv 15 peep 5", "secretions from ETT, suctioned", "he moved from Brazil",
        "Weaned from FMV this am to cool neb.",
        "levo increased to 10 mcg, weaned to peep 5", "on neo 2, levo 10, vaso .04",
        "transferred to ward 3 tomorrow", "on Foley 16 french", "to the general surgery team",
        "general appearance: well", "weaned from 40 to 30",
        "She should return to Endocrine Clinic in six weeks.", "SKIN INTACT GENERAL EDEMA",
        # what follows "at", "return to", "d/c" in notes: a time, a unit typed awry, a body
        # part, an IV rate, an everyday or an anatomic word
        "foley dc'd at noon, no void yet", "extubated at aprox 2030 without event",
        "NO BLEEDING AT GROIN. PULSES BY DOPPLER", "IVF AT KVO.", "ambu bag at hob",
        "INTUBATED AND TRANSFERRED TO THE MCIU.", "returned to sinus rhythm after the bolus",
        "returned to baseline mental status by noon", "took him to the bathroom at 0400",
        "under general anesthesia in the OR", "sats 97% at RA", "DC'D TO HOME WITH VNA",
        "in general she is comfortable", "will return to clinic for followup",
        "AM NURSE TO FOLLOW UP", "discharge home with VNA nurse visits", "MICU team aware",
        "+2 EDEMA AT BLE, PULSES PALPABLE AT DP.", "pain at luq today, abd soft",
        "family at bedside, dsg at r fem c/d/i",
        "GN nurse orienting today", "PCA NURSE PRESENT", "per pcp records", "Per EMS records",
        "Dr. XYZ ICU team aware", "TRANSFER TO BURN ICU", "per bmt records",
        "transferred to cvt icu today", "to SDU when bed ready", "PT RETURNED TO ERCP AT 1500",
        "going to vqs tomorrow", "sent back to nuc.", "en route to cabg.",
        "PMICU NURSING PROGRESS NOTE", "asked for mercy",
        "the sacred heart of the parish", "rehab at home with pt", "bed at 30 degrees",
        "placed in bed at 1400", "REHABILITATION IN PROGRESS", "bed in low position",
        "she was started on hepat 1 pm", "going to titrate 2 drips",
        "transferred from OSH (intubated) on levo", "at osh (2 days) with fever",
        "OSH (CT HEAD NEG) REVIEWED", "pt went into SVT at 0300", "came into DKA overnight",
        "Pt admitted into MICU from ED.", "regional anesthesia used", "to rehab today",
        "PT AWAITING REHAB PLACEMENT.", "P: MONITOR RESP STATUS, BEGIN REHAB.",
        "lives in Richmond with wife", "Lives with wife. Vets see him at the VA clinic",
        "Stent placed at LAD showed good flow.", "CT done at HS showed nothing new.",
        "ECHO DONE AT BEDSIDE SHOWED EF 30%.",
        "Pt was sent to the med ctr lab.", "K+ per med center protocol",
        "CATH DONE AT BEDSID. seen at presnt for the same.",
        "Nurse at bedside. Works at night. NURSE AT HS CHECKED. nurse at RA.",
    ],
)
def test_no_facility(text):
    assert found(text) == set()


@pytest.mark.parametrize(
    ("text", "case"),
    [("PT ARRIVED FROM THE ED AT 2200, ALERT.", "upper"),
     ("pt arrived from ed at 2200. alert and oriented, family at bedside.", "lower"),
     ("Patient arrived from the ED at 2200. She is alert and her son is here.", "mixed")],
)
def test_how_a_note_is_typed(text, case):
    assert text_case(text, len(text) // 2) == case



@pytest.mark.parametrize(
    ("text", "ward", "number"),
    [("Plan: transfer to Quartermain 5 (tele bed) today.", "Quartermain", " 5 "),
     ("PT TO GO TO WEST 4 WHEN BED READY", "WEST", " 4 "),
     ("came up from tolliver 6 at 1400", "tolliver", " 6 "),
     # the number closing its sentence; a care unit after the name is no identifier either
     ("Will transfer to Quartermain 5. Report given.", "Quartermain", " 5."),
     ("Pt was transferred to Kessing MICU after intubation.", "Kessing", " MICU "),
     ("ADMITTED TO KH ER WITH FEVER", "KH", " ER ")],
)
def test_a_ward_number_is_no_identifier(text, ward, number):
    out = redacted(text)
    assert ward not in out and number in out, out


def test_a_house_number_stays_inside_its_address():
    out = redacted("She lives on Brannagh Street 12, second floor.")
    assert "Brannagh" not in out and "12" not in out, out
