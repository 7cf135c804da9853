"""A test engine entry point: the product's engine, whose scrub step first makes the kind of
network call a library might make on its own (a model hub lookup, an update check) when a
document asks for it. Everything else is the real engine; the air gap must stop the call."""

from __future__ import annotations

import os
import urllib.request

TRIGGER_URLLIB = "PROBE-URLLIB"
TRIGGER_HUB = "PROBE-HUB"


def _reach_out(text: str) -> None:
    if TRIGGER_URLLIB in text:
        urllib.request.urlopen("https://huggingface.co/api/models/gpt2", timeout=120)
    if TRIGGER_HUB in text:
        # A library that ignores HF_HUB_OFFLINE: only the socket guard is left to stop it.
        os.environ.pop("HF_HUB_OFFLINE", None)
        from huggingface_hub import hf_hub_download

        hf_hub_download("openai-community/gpt2", "config.json", etag_timeout=120)


def probe_entry(requests, events, data_dir: str) -> None:
    from engine import service
    from engine.handlers import scrubbing

    scrub = scrubbing.scrub_text

    def scrub_after_reaching_out(text: str, policy: str, secret: bytes, *site):
        _reach_out(text)
        return scrub(text, policy, secret, *site)

    scrubbing.scrub_text = scrub_after_reaching_out
    service.engine_main(requests, events, data_dir)
