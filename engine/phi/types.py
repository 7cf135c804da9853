"""The typed results of de-identification. No original PHI value is ever kept in them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import Enum

from engine.protocol import ScrubPolicy


class PhiType(str, Enum):
    NAME = "NAME"
    LOCATION = "LOCATION"  # street address, city, county, ZIP and other sub-state places
    DATE = "DATE"
    AGE = "AGE"  # ages over 89 only
    PHONE = "PHONE"
    FAX = "FAX"
    EMAIL = "EMAIL"
    SSN = "SSN"
    MRN = "MRN"
    HEALTH_PLAN = "HEALTH_PLAN"
    ACCOUNT = "ACCOUNT"
    LICENSE = "LICENSE"
    VEHICLE = "VEHICLE"
    DEVICE = "DEVICE"
    URL = "URL"
    IP = "IP"
    BIOMETRIC = "BIOMETRIC"
    PHOTO = "PHOTO"
    ID = "ID"  # any other unique identifying number or code
    ORGANIZATION = "ORGANIZATION"  # hospitals, clinics, employers


@dataclass(frozen=True)
class Detection:
    """A recognizer's finding in the original text (internal to the scrubber)."""

    type: PhiType
    start: int
    end: int
    score: float
    source: str


@dataclass(frozen=True)
class PhiSpan:
    type: PhiType
    start: int  # in the scrubbed text
    end: int
    orig_start: int  # in the original text
    orig_end: int


@dataclass(frozen=True)
class ScrubResult:
    text: str
    spans: tuple[PhiSpan, ...]
    policy: ScrubPolicy

    def counts(self) -> dict[str, int]:
        return dict(Counter(span.type.value for span in self.spans))
