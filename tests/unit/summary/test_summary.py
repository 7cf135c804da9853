"""Summaries from real scrubbed notes: extractive sections with citations, the overview
through real llama.cpp (the SmolLM2 test model) with its JSON grammar, streaming, the
claim check, cancel and timeout, and the fallback with no model at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.clinical import extract_clinical
from engine.errors import Cancelled
from engine.phi import Scrubber
from engine.summary import SummaryDocument, SummaryOptions, cache_key, summarize
from engine.summary.facts import build_facts
from engine.summary.overview import OverviewWriter, Statement, offered
from engine.summary.verify import verify_all

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def docs(eval_dir) -> list[SummaryDocument]:
    scrubber = Scrubber(record_secret=b"s" * 32)
    out = []
    for name in ("note_1315.txt", "note_3914.txt", "note_4141.txt"):
        text = scrubber.scrub((eval_dir / "documents" / name).read_text()).text
        out.append(SummaryDocument(name, name, None, text, extract_clinical(text).to_dict()))
    return out


SMOLLM2 = "smollm2-135m-instruct-q4"  # the test model: not in the shipped summary chain


def test_extractive_sections_cite_their_source(docs):
    result = summarize(docs, None)
    assert result.model == "extractive"
    assert set(result.sections) == {
        "overview", "active_problems", "possible_problems", "medications",
        "stopped_medications", "allergies", "labs_vitals", "procedures", "timeline", "plan",
        "checks"}
    by_id = {d.document_id: d for d in docs}
    cited = 0
    for name in ("active_problems", "medications"):
        for item in result.sections[name]:
            for c in item["citations"]:
                source = by_id[c["document_id"]].text[c["start"]:c["end"]]
                assert source.strip()
                cited += 1
            assert item["fact"] in {f["id"] for f in result.facts}
    assert cited >= 3
    assert "## Medications" in result.markdown
    assert "Built from the extracted facts only." in result.markdown
    assert result.grounding["statements"] == 0 and result.grounding["outcome"] == "none"


def test_the_shipped_chain_has_no_small_test_model(manager):
    assert SMOLLM2 not in manager.config.chain("summary")
    assert manager.config.chain("summary")[-1] == "extractive"


def test_model_overview_streams_and_every_shown_statement_is_checked(docs, manager):
    tokens: list[str] = []
    result = summarize(docs, manager, SummaryOptions(model=SMOLLM2, max_tokens=600),
                       on_token=tokens.append)
    assert result.model == SMOLLM2
    assert tokens and '"statements"' not in "".join(tokens)  # their words, not the JSON
    g = result.grounding
    assert g["outcome"] == "checked" and g["statements"] == g["supported"] + g["dropped"]
    generated = [i for i in result.sections["overview"] if i.get("generated")]
    assert len(generated) == g["supported"]
    table = build_facts(docs)
    offered_ids = [f.id for f in offered(table)]
    for item in generated:  # re-checked from scratch: each passes, and cites its facts
        (verdict,) = verify_all([Statement(item["text"], tuple(item["facts"]))], table,
                                offered_ids)
        assert verdict.shown and item["citations"]
    assert (f"{g['statements']} statement(s), each checked against the facts it cites; "
            f"{g['dropped']} left out") in result.markdown


def test_cancel_mid_generation(docs, manager):
    calls: list[int] = []

    def checkpoint() -> None:  # polled inside the prompt's reading, then once a piece
        calls.append(1)
        if len(calls) > 3:
            raise Cancelled("stop")

    with pytest.raises(Cancelled):
        summarize(docs, manager, SummaryOptions(model=SMOLLM2, max_tokens=128),
                  checkpoint=checkpoint)
    # the fourth poll stopped llama.cpp inside the prompt; one more said why, none after
    assert len(calls) == 5
    assert all(s.leases == 0 for s in manager.status())  # the lease was returned


def test_a_timeout_keeps_no_model_text(docs, manager):
    result = summarize(docs, manager, SummaryOptions(model=SMOLLM2, max_tokens=64,
                                                     timeout_s=0.0))
    assert result.grounding["outcome"] == "timeout" and result.narrative == ""
    assert not any(i.get("generated") for i in result.sections["overview"])
    assert "did not finish within its time limit; none of its text is shown" in \
        result.markdown


def test_the_time_limit_follows_the_measured_pace(docs, manager):
    import itertools

    from engine.errors import JobTimeout

    ticks = itertools.count(0, 1.0)  # a scripted clock: every look is a second later
    with manager.lease("summary", SMOLLM2) as model, pytest.raises(JobTimeout):
        writer = OverviewWriter(model, SummaryOptions(max_tokens=200, timeout_s=10), None,
                                None, clock=lambda: next(ticks))
        writer.run(build_facts(docs))
    # slow (1 s a piece): the limit grew past the configured 10 s, but not beyond twice it
    assert 10 < writer.pieces <= 21  # piece n is read at second n + 1


def test_a_context_too_small_for_the_facts(docs, manager):
    from engine.errors import TokenLimit
    from engine.models.backends.base import LoadRequest
    from engine.models.backends.gguf import load_gguf
    from engine.models.registry import locate

    spec = manager.config.models[SMOLLM2]
    # The embedded file loaded at a 256-token context: no room for the facts and an answer.
    tiny = load_gguf(LoadRequest("tiny-ctx", locate(spec, manager.model_dirs), 256, "cpu", 1))
    try:
        with pytest.raises(TokenLimit):
            OverviewWriter(tiny, SummaryOptions(max_tokens=64), None, None).run(
                build_facts(docs))
    finally:
        tiny.unload()


def test_cache_key_changes_with_input_model_and_options(docs):
    base = cache_key(docs, "m", SummaryOptions())
    assert base == cache_key(docs, "m", SummaryOptions())
    assert base != cache_key(docs[:2], "m", SummaryOptions())
    assert base != cache_key(docs, "other", SummaryOptions())
    assert base != cache_key(docs, "m", SummaryOptions(max_tokens=10))
    relabelled = [docs[0].__class__(d.document_id, d.title, "2020-01-01", d.text, d.clinical)
                  for d in docs]
    assert base != cache_key(relabelled, "m", SummaryOptions())  # dates order the timeline
    no_facts = [docs[0].__class__(d.document_id, d.title, d.date, d.text, None) for d in docs]
    assert base != cache_key(no_facts, "m", SummaryOptions())  # the sections come from these
