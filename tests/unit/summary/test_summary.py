"""Summaries from real scrubbed notes: extractive sections with citations, grounding, the
SmolLM2 path with streaming and cancel, and the fallback with no model at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.clinical import extract_clinical
from engine.errors import Cancelled
from engine.phi import Scrubber
from engine.summary import SummaryDocument, SummaryOptions, cache_key, summarize
from engine.summary.grounding import ground

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def docs(eval_dir) -> list[SummaryDocument]:
    scrubber = Scrubber(record_secret=b"s" * 32)
    out = []
    for name in ("note_1315.txt", "note_3914.txt", "note_4141.txt"):
        text = scrubber.scrub((eval_dir / "documents" / name).read_text()).text
        out.append(SummaryDocument(name, name, None, text, extract_clinical(text).to_dict()))
    return out


def test_extractive_sections_cite_their_source(docs):
    result = summarize(docs, None)
    assert result.model == "extractive"
    assert set(result.sections) == {"overview", "active_problems", "medications", "allergies",
                                    "labs_vitals", "procedures", "timeline", "plan"}
    by_id = {d.document_id: d for d in docs}
    cited = 0
    for name in ("active_problems", "medications"):
        for item in result.sections[name]:
            for c in item["citations"]:
                source = by_id[c["document_id"]].text[c["start"]:c["end"]]
                assert " ".join(source.lower().split()) in item["text"].lower()
                cited += 1
    assert cited >= 3
    assert "## Medications" in result.markdown
    assert "Built from the extracted data only." in result.markdown
    assert result.grounding == {"supported": 0, "unsupported": 0, "dropped": 0}


def test_grounding_drops_invented_facts(docs):
    known = next(e["text"] for e in docs[0].clinical["entities"] if e["type"] == "problem")
    text, report = ground(f"The patient has {known}. She takes warfarin 7 mg. She is feeling "
                          "well today.", docs)
    assert known in text and "warfarin" not in text and "She is feeling well today." in text
    assert report.supported >= 1 and report.unsupported >= 1 and report.dropped == 1


def test_model_summary_streams_and_is_grounded(docs, manager):
    tokens: list[str] = []
    result = summarize(docs, manager, SummaryOptions(max_tokens=48),
                       on_token=tokens.append)
    assert result.model == "smollm2-135m-instruct-q4"
    assert tokens  # streamed as written
    assert set(result.grounding) == {"supported", "unsupported", "dropped"}
    # whatever survived grounding names no clinical term absent from the record
    _, recheck = ground(result.narrative, docs)
    assert recheck.unsupported == 0
    generated = [i for i in result.sections["overview"] if i.get("generated")]
    assert [i["text"] for i in generated] == [s.text for s in recheck.sentences]
    assert "checked against the record" in result.markdown


def test_cancel_mid_generation(docs, manager):
    seen: list[str] = []

    def checkpoint() -> None:
        if len(seen) >= 3:
            raise Cancelled("stop")

    with pytest.raises(Cancelled):
        summarize(docs, manager, SummaryOptions(max_tokens=64), on_token=seen.append,
                  checkpoint=checkpoint)
    assert len(seen) == 3
    assert all(s.leases == 0 for s in manager.status())  # the lease was returned


def test_map_reduce_when_the_record_is_long(docs, manager):
    from engine.summary.generate import Generator

    long_docs = docs * 6  # more than SmolLM2's 2k context holds
    with manager.lease("summary") as model:
        gen = Generator(model, SummaryOptions(max_tokens=16), None, None)
        budget = gen.budget()
        assert sum(model.count_tokens(d.text) for d in long_docs) > budget
        chunks = gen.pack([d.text for d in long_docs], budget)
        assert len(chunks) > 1
        assert all(model.count_tokens(c) <= budget for c in chunks)
        # One document longer than a chunk is cut at its own boundaries, nothing lost.
        huge = "\n\n".join(d.text for d in long_docs)
        parts = gen.split("[2024-01-01] Big note", huge, budget)
        assert len(parts) > 1 and all(model.count_tokens(p) <= budget for p in parts)
        assert parts[0].startswith("[2024-01-01] Big note (part 1 of ")
        assert "".join(huge.split()) == "".join(
            "".join(p.split("\n", 1)[1].split()) for p in parts)


def test_timeout_and_a_context_too_small(docs, manager):
    import itertools

    from engine.errors import JobTimeout, TokenLimit
    from engine.models.backends.base import LoadRequest
    from engine.models.backends.gguf import load_gguf
    from engine.models.registry import locate
    from engine.summary.generate import Generator

    ticks = itertools.count(0, 1000.0)  # a scripted clock: every look is 1000 s later
    with manager.lease("summary") as model, pytest.raises(JobTimeout):
        Generator(model, SummaryOptions(max_tokens=8, timeout_s=10), None, None,
                  clock=lambda: next(ticks)).run(docs[:1])
    spec = manager.config.models["smollm2-135m-instruct-q4"]
    # The embedded file loaded at a 256-token context: no room for a record and an answer.
    tiny = load_gguf(LoadRequest("tiny-ctx", locate(spec, manager.model_dirs), 256, "cpu", 1))
    try:
        with pytest.raises(TokenLimit):
            Generator(tiny, SummaryOptions(max_tokens=64), None, None).run(docs[:1])
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
