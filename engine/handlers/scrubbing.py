"""Scrubbing with the store's site lexicon, for the pipelines and the handlers that judge
text (record labels, file names)."""

from __future__ import annotations

from typing import Any

from engine.clinical import extract_clinical
from engine.phi import Scrubber, ScrubResult, site_lexicon
from engine.phi.site_lexicon import SiteLexicon
from engine.protocol import ScrubPolicy
from engine.store import Store, users
from engine.store import settings as store_settings


def scrub_text(text: str, policy: str, record_secret: bytes,
               site: SiteLexicon | None = None) -> ScrubResult:
    return Scrubber(ScrubPolicy(policy), record_secret=record_secret, site=site).scrub(text)


def scrub_with_site(store: Store, text: str, policy: str, record_secret: bytes) -> ScrubResult:
    return scrub_text(text, policy, record_secret, site_lexicon_of(store))


def site_lexicon_of(store: Store) -> SiteLexicon | None:
    """The site lexicon file's terms, and the store's user names as staff names (compiled
    again only when either changes)."""
    with store.db.locked() as conn:
        path = store_settings.get(conn, "phi.site_lexicon")
        names = [u.username for u in users.list_all(conn)]
    return site_lexicon.build([path], names)


def clinical_data(scrubbed_text: str) -> dict[str, Any]:
    return extract_clinical(scrubbed_text).to_dict()
