"""The job time limit holds inside a stage: a 2 MB one-line text (no sentence ends, heavy
with medications) submitted under ``jobs.timeout_s`` = 5 fails with TIMEOUT while the job
queued behind it completes, in the same engine process. Outcomes and order are asserted; the
bound on the wait is generous (a loaded 2-core machine), not a timing figure. A job keeps
the limit it was submitted under, so the light job is submitted under the default: its
outcome must not hang on how fast a loaded machine runs it beside the abandoned heavy stage
(the heavy one takes about 28 s on a quiet 2-core machine, over 5x its limit)."""

from __future__ import annotations

import time

from engine import protocol as p

HEAVY_LIMIT_S = 5
LINE = "aspirin 81 mg daily and metformin 500 mg twice daily with lisinopril 10 mg, "


def test_a_stage_past_the_time_limit_fails_and_the_queue_goes_on(harness, tmp_path, tally):
    default = p.SETTINGS_SCHEMA["jobs.timeout_s"].default
    harness.request(p.PutSetting(key="jobs.timeout_s", value=HEAVY_LIMIT_S))
    heavy = tmp_path / "one_line.txt"
    heavy.write_text((LINE * (2_000_000 // len(LINE) + 1))[:2_000_000])  # no newline
    light = tmp_path / "next.txt"
    light.write_text("Seen today. Continue atorvastatin 20 mg at night.\n")
    started = time.monotonic()
    first = harness.submit([heavy], priority=5)[0]
    harness.request(p.PutSetting(key="jobs.timeout_s", value=default))
    second = harness.submit([light])[0]
    done = harness.wait([first, second], timeout=600)
    waited = time.monotonic() - started
    heavy_info, light_info = done[first], done[second]
    tally.record("time", jobs=2, engine_deaths=harness.client.restarts,
                 timeout_s=HEAVY_LIMIT_S, both_ended_after_s=round(waited, 1),
                 heavy_outcome=heavy_info.error.code if heavy_info.error else heavy_info.state)
    assert heavy_info.state == "failed" and heavy_info.error.code == "TIMEOUT"
    assert light_info.state == "succeeded", light_info.error
    assert light_info.finished_at >= heavy_info.finished_at  # it was queued behind it
    assert harness.client.restarts == 0
    assert waited < 300  # generous: the heavy job alone took over 15 minutes before
