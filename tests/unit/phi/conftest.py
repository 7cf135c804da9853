"""Shared helpers of the PHI tables: one redacting scrubber, and the check that no listed
original survives."""

from __future__ import annotations

import pytest
from redaction import REDACT

from engine.phi import Scrubber


@pytest.fixture(scope="session")
def redactor() -> Scrubber:
    return REDACT


@pytest.fixture
def assert_removed(redactor):
    def check(text: str, leaks: list[str]) -> str:
        out = redactor.scrub(text).text
        for leak in leaks:
            assert leak not in out, (leak, out)
        return out
    return check
