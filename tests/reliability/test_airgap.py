"""Air gap inside a real engine process: a library call that reaches for the network in the
middle of a job fails at once (no DNS or TCP time-out), the job ends, the engine serves on and
the attempt is in the audit trail. tests/unit/engine/test_airgap.py covers the guard alone."""

from __future__ import annotations

import json
import time

import netprobe
from harness import Harness

import engine.client
from engine import protocol as p


def test_network_call_in_a_job_fails_fast_and_is_audited(tmp_path, monkeypatch, tally):
    monkeypatch.setattr(engine.client, "_engine_entry", netprobe.probe_entry)
    h = Harness(tmp_path / "data").start()
    try:
        h.init()
        files = {}
        for name, body in (("urllib", netprobe.TRIGGER_URLLIB), ("hub", netprobe.TRIGGER_HUB),
                           ("plain", "no lookup here")):
            path = tmp_path / f"{name}.txt"
            path.write_text(f"Seen today. {body}. Aspirin 81 mg daily.")
            files[name] = path
        pid = h.pid
        start = time.monotonic()
        jobs = dict(zip(files, h.submit(files.values()), strict=True))
        done = h.wait(jobs.values(), timeout=300)
        elapsed = time.monotonic() - start
        trail = [json.loads(x) for x in h.request(p.AuditExport()).splitlines()]
        alive = h.request(p.GetStatus()).pid == pid and h.client.restarts == 0
    finally:
        h.close()
    blocked = [json.loads(e["request_data"])["event"] for e in trail
               if e["action"] == "network.blocked"]
    states = {name: done[job].state for name, job in jobs.items()}
    # The hub client reads HF_HUB_OFFLINE when imported, after the engine set it: it stops
    # itself before any socket opens, so only urllib's lookup reaches the guard.
    tally.record("airgap", attempts_blocked=len(blocked), blocked_events=sorted(set(blocked)),
                 job_states=states,
                 seconds_for_three_jobs=round(elapsed, 2), engine_deaths=0 if alive else 1)
    assert states == {"urllib": "failed", "hub": "failed", "plain": "succeeded"}
    assert all(done[jobs[n]].error.code == "INTERNAL_ERROR" for n in ("urllib", "hub"))
    # The guard refused the attempts itself (no wait on DNS/TCP): each left its audit event.
    assert blocked and all(e.startswith("socket.") for e in blocked)
    assert alive
