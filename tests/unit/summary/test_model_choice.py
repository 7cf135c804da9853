"""The model a summary names before it is written, and why the configured one was passed
over."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from engine.clinical import extract_clinical
from engine.models import ModelManager
from engine.models.config import ModelSpec
from engine.summary import SummaryDocument, SummaryOptions, summarize
from engine.summary.choice import EXTRACTIVE, NOT_INSTALLED, NOT_LOADED, model_choice

SMOLLM2 = "smollm2-135m-instruct-q4"
PHI3 = "phi-3-mini-4k-instruct-q4"  # the shipped chain's first model: not installed here
NOTE = ("HISTORY OF PRESENT ILLNESS: Seen for follow-up of type 2 diabetes mellitus and "
        "hypertension.\nMEDICATIONS: metformin 500 mg PO BID; lisinopril 10 mg daily.\n"
        "ALLERGIES: penicillin (rash).\nLABS: HbA1c 8.1 % (H).\n"
        "ASSESSMENT AND PLAN: Diabetes not at goal; increase metformin. Recheck HbA1c in "
        "3 months.\n")


@pytest.fixture(scope="module")
def docs() -> list[SummaryDocument]:
    return [SummaryDocument("d1", "note", "2024-01-05", NOTE, extract_clinical(NOTE).to_dict())]


def test_a_missing_configured_model_is_named_with_the_fallback(docs, manager):
    seen = []
    result = summarize(docs, manager, SummaryOptions(), on_model=seen.append)
    (choice,) = seen
    assert choice.used == EXTRACTIVE and result.model == "extractive"
    assert [(s.model, s.reason) for s in choice.skipped] == [(PHI3, NOT_INSTALLED)]
    assert choice.text() == (f"{PHI3} is not installed: building the summary from the "
                             "extracted facts only.")
    assert result.footer == f"{PHI3} is not installed. Built from the extracted facts only."
    assert result.choice == {"model": EXTRACTIVE,
                             "skipped": [{"model": PHI3, "reason": NOT_INSTALLED}]}
    assert f"_{result.footer}_" in result.markdown


def test_the_model_is_named_before_its_first_word(docs, manager):
    order: list[str] = []
    summarize(docs, manager, SummaryOptions(model=SMOLLM2, max_tokens=48),
              on_token=lambda _piece: order.append("token"),
              on_model=lambda choice: order.append(choice.text()))
    assert order[0] == f"Writing the overview with {SMOLLM2}…"
    assert order.count(order[0]) == 1


def test_without_a_model_the_choice_says_extracted_facts(docs):
    seen = []
    summarize(docs, None, on_model=seen.append)
    assert [c.text() for c in seen] == ["Building the summary from the extracted facts only…"]


def test_an_installed_model_that_fails_to_load_is_told_apart(tmp_path: Path, docs, manager):
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"not a gguf file at all")
    spec = ModelSpec("broken-q4", "summary", "gguf", path=broken.name, context_window=512,
                     memory_mb=1)
    config = replace(manager.config, models={**manager.config.models, spec.name: spec},
                     chains={**manager.config.chains, "summary": (spec.name, PHI3, "extractive")})
    mm = ModelManager(config, [tmp_path])
    try:
        seen = []
        summarize(docs, mm, SummaryOptions(), on_model=seen.append)
    finally:
        mm.close()
    assert [(s.model, s.reason) for s in seen[0].skipped] == [
        ("broken-q4", NOT_LOADED), (PHI3, NOT_INSTALLED)]
    assert model_choice(config, [tmp_path], "summary", None, "extractive") == seen[0]


def test_a_model_installed_later_makes_a_cached_summary_stale(tmp_path: Path, manager):
    """The cache key holds the installed models the chain would try: a summary cached while
    Phi-3 was missing (and saying so) is not served once IT has provisioned it."""
    from engine.jobs.summary import SummaryJob

    before = SummaryJob(None, ModelManager(manager.config, [tmp_path])).models_to_try(None)
    (tmp_path / manager.config.models[PHI3].path).write_bytes(b"provisioned")
    after = SummaryJob(None, ModelManager(manager.config, [tmp_path])).models_to_try(None)
    assert (before, after) == ("extractive", f"{PHI3}>extractive")
    assert SummaryJob(None, manager).models_to_try(SMOLLM2) == f"{SMOLLM2}>extractive"
