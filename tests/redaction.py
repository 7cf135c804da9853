"""One redacting scrubber for the PHI tables, and what it makes of a text."""

from engine.phi import Scrubber
from engine.protocol import ScrubPolicy

REDACT = Scrubber(ScrubPolicy.REDACT)


def redacted(text: str) -> str:
    return REDACT.scrub(text).text
