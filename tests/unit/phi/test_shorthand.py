"""Nursing and ICU shorthand survives the scrubber: sentence-start capitals, clipped and
misspelt words, drips and devices, in Capitalised, UPPER and lower-case notes. Sentences
written for these tests."""

from __future__ import annotations

import pytest
from redaction import REDACT


@pytest.mark.parametrize(
    "text",
    [
        "ID: Afeb. Tmax 99.1. Abx continued.",
        "Aline placed in the left radial artery. Dsg changed, site clean.",
        "Wean to off as tolerated. Titrate Lasix drip to net negative.",
        "Vent checked and alarms functioning. Spont breaths 4 per minute. Abg pending.",
        "Neo restarted for low pressures. Echo revealed a normal EF.",
        "Tol sips of water. Trach care done. Carevue for vital signs.",
        "neuro: a&ox3, mae, perrl. cv: occ pvc's noted, neo weaned to off.",
        "NEURO: A+OX3, MAE, FOLLOWING COMMANDS. RESP: LS CLEAR, DIM AT BASES.",
        "Apetite poor. Contiue to monitor. Reveiw of systems unchanged.",
        "Siderails up x2. Amiod bolus given. Bilat breath sounds clear.",
        "Had a run of V-Tach, Mg given. Hx of Etoh use.",
        "Banadryl given with relief. Sx with Yankaur for thick secretions.",
        "Continue per protocol. Titrate per NSG judgement. MS changes noted.",
        "Social: husband and daughter in to visit. Family aware of plan.",
        # beds, boots, tubes and drains by brand; IV rates; sitting and moving
        "Proph: Pneumoboots on. Venodynes in place. Kinair bed. IVF at KVO.",
        "Dobhoff advanced, Pleurevac to sx. HOB up 30. Moved to Stryker bed.",
        "Placed on Bair Hugger. Up in Broda chair, then Recliner. Stepdown bed requested.",
    ],
)
def test_shorthand_is_no_phi(text):
    assert REDACT.detect(text) == [], [text[d.start:d.end] for d in REDACT.detect(text)]
