"""The hostile corpus through one real engine process: every file gets a coded error or a
stored result within the limits, the engine's memory stays bounded and it never dies."""

from __future__ import annotations

import collections

from harness import PeakMemory
from hostile_corpus import OK, corpus

from engine import protocol as p
from engine.errors import HntaiError

# Whisper, PyMuPDF and the scrubber's lexicons loaded, plus one page image in flight; a zip
# or image bomb that was inflated would blow far past this.
MEMORY_CEILING = 1536 * 1024 * 1024


def test_hostile_corpus_through_the_engine(harness, tmp_path, eval_dir, samples_dir, scale,
                                           tally):
    inputs = corpus(tmp_path, eval_dir, samples_dir, scale.seed)
    pid = harness.pid
    outcomes: dict[str, str] = {}
    with PeakMemory(pid) as memory:
        jobs = {}
        for item in inputs:
            try:
                jobs[harness.submit([item.path])[0]] = item
            except HntaiError as exc:  # refused at the door is an outcome too
                outcomes[item.name] = exc.code.value
        done = harness.wait(jobs, timeout=1200)
    for job_id, item in jobs.items():
        info = done[job_id]
        outcomes[item.name] = OK if info.state == "succeeded" else info.error.code
        if info.state == "succeeded":
            most = p.SETTINGS_SCHEMA["limits.max_pages"].default
            assert info.result["page_count"] <= most, item.name
    status = harness.request(p.GetStatus())
    wrong = {i.name: outcomes[i.name] for i in inputs if outcomes[i.name] not in i.accept}
    tally.record("hostile", inputs_tried=len(inputs), engine_deaths=harness.client.restarts,
                 jobs=len(jobs), peak_engine_rss_mb=memory.peak >> 20,
                 outcome_counts=dict(collections.Counter(outcomes.values())),
                 outcomes=dict(sorted(outcomes.items())), unexpected=wrong)
    assert not wrong
    assert harness.client.restarts == 0 and status.pid == pid and status.store_ok
    assert memory.peak < MEMORY_CEILING, memory.peak >> 20
    assert harness.request(p.AuditVerify()).ok
