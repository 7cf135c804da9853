"""Cancel reaches llama.cpp: between tokens (the writer's checkpoint) and inside the
prompt's reading (llama.cpp's abort callback), counted in tokens and polls, not seconds."""

from __future__ import annotations

import threading

import pytest

from engine.clinical import extract_clinical
from engine.errors import Cancelled
from engine.jobs.runner import JobContext
from engine.models.backends.base import GenerationSettings
from engine.summary import SummaryDocument, SummaryOptions
from engine.summary.facts import build_facts
from engine.summary.overview import OverviewWriter

SMOLLM2 = "smollm2-135m-instruct-q4"
NOTE = ("ASSESSMENT: Type 2 diabetes mellitus, hypertension, hyperlipidemia.\n"
        "MEDICATIONS: metformin 500 mg PO BID; lisinopril 10 mg daily; atorvastatin 20 mg "
        "nightly.\nLABS: HbA1c 8.1 % (H). LDL 142 mg/dL (H).\n"
        "PLAN: increase metformin; recheck HbA1c in 3 months.\n")
LONG_PROMPT = "The patient was seen in clinic today for a routine visit. " * 120


@pytest.fixture(scope="module")
def table():
    doc = SummaryDocument("d1", "note", "2024-01-05", NOTE, extract_clinical(NOTE).to_dict())
    return build_facts([doc])


def _job() -> JobContext:
    return JobContext("job", deadline=float("inf"), cancelled=threading.Event(),
                      emit=lambda _event: None)


def test_cancel_between_tokens_stops_within_one_token(table, manager):
    """The engine's Cancel sets the job's event while a token is written; the checkpoint
    before the next piece raises and closing the stream ends llama.cpp's loop: the context
    holds at most one token more than when Cancel came."""
    ctx = _job()
    at_cancel: list[int] = []
    with manager.lease("summary", SMOLLM2) as model:
        llm = model._llm  # the real llama.cpp context: its evaluated-token count

        def on_token(_piece: str) -> None:
            if not at_cancel:
                at_cancel.append(llm.n_tokens)
                ctx.cancelled.set()  # what JobRunner.cancel does from the engine's thread

        writer = OverviewWriter(model, SummaryOptions(max_tokens=200).resolved({}), on_token,
                                ctx.checkpoint)
        with pytest.raises(Cancelled):
            writer.run(table)
        after = llm.n_tokens
    assert at_cancel, "the model wrote no statement text"
    assert after - at_cancel[0] <= 1
    assert writer.pieces < 200


def test_a_stop_inside_the_prompt_ends_it_at_the_next_step(manager):
    """llama.cpp polls between the steps of reading a prompt: the first True ends it, with
    no token written and the prompt not read to its end; the model stays usable."""
    polls: list[bool] = []

    def should_stop() -> bool:
        polls.append(len(polls) >= 20)
        return polls[-1]

    with manager.lease("summary", SMOLLM2) as model:
        prompt_tokens = model.count_tokens(LONG_PROMPT)
        pieces = list(model.generate("You are concise.", LONG_PROMPT,
                                     GenerationSettings(max_tokens=16, should_stop=should_stop)))
        assert pieces == []
        assert polls.count(True) == 1 and polls[-1]  # no poll after the one that stopped it
        assert model._llm.n_tokens < prompt_tokens  # the prompt was not read to its end
        again = list(model.generate("You are concise.", "Name one vegetable.",
                                    GenerationSettings(max_tokens=8, temperature=0.0)))
    assert "".join(again).strip()


def test_cancel_while_the_prompt_is_read_raises_cancelled(table, manager):
    """A Cancel before the first token: the writer's poll inside the prompt sees it, the
    prompt stops, and the job ends as cancelled with no piece written."""
    ctx = _job()
    polls = [0]

    def checkpoint() -> None:
        polls[0] += 1
        if polls[0] == 5:  # Cancel arrives while llama.cpp reads the facts
            ctx.cancelled.set()
        ctx.checkpoint()

    with manager.lease("summary", SMOLLM2) as model:
        writer = OverviewWriter(model, SummaryOptions(max_tokens=64).resolved({}), None,
                                checkpoint)
        with pytest.raises(Cancelled):
            writer.run(table)
        read = model._llm.n_tokens
        prompt, _ids = writer.facts_prompt(table)
        whole = model.count_tokens(writer.system) + model.count_tokens(prompt)
    assert writer.pieces == 0
    assert polls[0] == 6  # the stopping poll, then the one that raised; none after
    assert read < whole
