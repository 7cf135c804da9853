"""De-identification: every HIPAA Safe Harbor identifier found, replaced by policy.

``Scrubber(policy, record_secret, site=...).scrub(text)`` returns the scrubbed text and spans
(type and offsets in both texts), never the original values; ``site`` is the site lexicon
(``site_lexicon.build``): the site's own facility, ward, town and staff names.
"""

from engine.phi.scrubber import Scrubber, scrub
from engine.phi.types import PhiSpan, PhiType, ScrubResult

__all__ = ["PhiSpan", "PhiType", "ScrubResult", "Scrubber", "scrub"]
