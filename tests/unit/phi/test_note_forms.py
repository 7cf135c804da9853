"""Forms of identifiers seen in ICU nursing notes: phones after a run of dashes, pagers
with a colon and a sign, dates glued to a word or with a comma before their year, a month
abbreviated in lower case, a hospital's short name after where a patient was sent, a surname
typed in capitals, a family by its surname — and the clinical look-alikes that stay."""

from __future__ import annotations

import pytest

from engine.phi import Scrubber
from engine.protocol import ScrubPolicy

SCRUBBER = Scrubber(ScrubPolicy.REDACT)


def found(text: str) -> list[str]:
    return [text[d.start:d.end] for d in SCRUBBER.detect(text)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("SOCIAL: SON-JOEY---410 823-6642 & NIECE-ANN---410 377-1906.", "410 823-6642"),
        ("SOCIAL: SON-JOEY---410 823-6642 & NIECE-ANN---410 377-1906.", "410 377-1906"),
        ("Resp therapy  | Pager: #44871  | Time spent: 30 min", "44871"),
        ("PMH: GOUT. RENAL FAILURE-3/4/91. ALLERGIES: NKDA", "3/4/91"),
        ("hct 27.1 on am labs on10/12/84, transfused 1 unit", "10/12/84"),
        ("Nursing Progress Note\n12 Jun, 19 0700->1930\nNeuro: alert", "12 Jun, 19"),
        ("was admitted to rehab in oct. and went home", "oct."),
        ("Transferred to KH asymptomatic and taken to the cath lab", "KH"),
        ("72 YR OLD MALE ADM FROM KH CATH LAB. POST STENT X2", "KH"),
        ("LEGAL GUARDIAN: Niece, Laura HADLEY, lives in Ohio", "HADLEY"),
        ("spoke with Laura HADLEY today about the plan", "Laura HADLEY"),
        ("KEEP HADLEY FAMILY AWARE OF PLAN OF CARE", "HADLEY"),
        ("the Okafor family was updated by the team", "Okafor"),
        ("son Brady called tonight", "Brady"),
        ("nsg (k. hadley and m. o'connor) verified amt of cash.", "k. hadley"),
        ("nsg (k. hadley and m. o'connor) verified amt of cash.", "m. o'connor"),
        ("TAKEN TO WESTBROOK REGIONAL WHERE CK'S POS.", "WESTBROOK"),
        ("HE CALLED 911>DORCHESTER HOSPITAL. THERE HE WAS SEEN", "DORCHESTER"),
        ("ENC PO INTAKE. TRANSFER QUENTWORTH 2.", "QUENTWORTH"),
    ],
)
def test_found(text: str, value: str) -> None:
    assert any(value in span for span in found(text)), (value, found(text))


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("BP 120/80--301 823-6642 unusual run", "301 823-6642"),  # after a number: no pause
        ("pt on 5/5 today, psv-10/5/40 overnight", "10/5/40"),  # a short mode's setting
        ("Brady and hypotensive, the entire family was updated", "entire"),
        ("THE PATIENT'S FAMILY WAS UPDATED", "PATIENT"),
        ("KEEP FAMILY AWARE OF PLAN", "KEEP"),
        ("wife Mary NPO status discussed", "NPO"),  # an acronym after a given name
        ("lasix given at hs and at bs check.", "hs"),
        ("Pt sent to PT eval today", "PT eval"),
        ("went into SVT at rate 140s, amio given", "SVT"),
        ("HR returned to NSR, 70s-80s, no ectopy", "NSR"),
        ("regional anesthesia given; regional wall motion abnl", "regional"),
        ("Pt given tylenol p.o. and b. fluids", "fluids"),
        ("transfer pt 2 assist to chair", "pt"),
        # a product by what it is or by the dose before it; charting shorthand
        ("loaded with 900mg Quendrix IV over 5 hours", "Quendrix"),
        ("diet with Nephrina supplement. No fluid restriction", "Nephrina"),
        ("awaiting Vasoport placement", "Vasoport"),
        ("Remains on Big Boy Aerolux bed in rotate mode", "Aerolux"),
        ("Sxnd for thick white secretions. Hsb at bedside.", "Hsb"),
        ("Septic etiology.\n Brady and hypotensive on dopamine gtt", "Brady"),
        # no street across a sentence's end, none before a rate or a dose given
        ("vented on AC 40% 700x10, 5 PEEP. Suctioned 2-3x for sm amt", "Suctioned"),
        ("infusing, and Zelvorin 12 cc/hr infusing.", "Zelvorin"),
        ("lopressor 25mg po. bp>150 quendrix 20 given. ntg", "quendrix"),
    ],
)
def test_kept(text: str, kept: str) -> None:
    assert SCRUBBER.scrub(text).text.count(kept) == text.count(kept), SCRUBBER.scrub(text).text
