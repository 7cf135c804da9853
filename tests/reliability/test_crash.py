"""Power loss: SIGKILL the engine at random points of many jobs (extract, scrub, clinical,
store writes, summaries); kill the client. Every job ends once, the store stays intact.

tests/integration/test_crash_recovery.py kills during long PDFs only; here the kill points
rotate over every stage and over random moments, summaries are in the mix, and the client
process dies too.
"""

from __future__ import annotations

import collections
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from harness import (
    PASSWORD,
    TERMINAL,
    Harness,
    check_store,
    new_store,
    repeated_pdf,
    text_pdf,
    wait_gone,
)

from engine import protocol as p

# Stage names as the pipeline reports them; "finished" is the moment after a job's final
# commit (the next claim is being written), "timer" a random instant.
KILL_POINTS = ("extract", "scrub", "clinical", "store", "finished", "timer")
RECORD_SIZE = 5


def _inputs(tmp_path: Path, eval_dir: Path, count: int) -> list[Path]:
    note = (eval_dir / "documents" / "note_1315.txt").read_text()
    pdf = text_pdf(tmp_path / "long.pdf", 40, note)
    files = []
    for i in range(count):
        if i % 12 == 0:
            path = tmp_path / f"in_{i:03d}.pdf"
            shutil.copy(pdf, path)
        elif i % 12 == 6:
            path = tmp_path / f"in_{i:03d}.docx"
            shutil.copy(eval_dir / "documents" / "note_3914.docx", path)
        else:
            path = tmp_path / f"in_{i:03d}.txt"
            path.write_text(f"Visit {i}.\n{note}")
        files.append(path)
    return files


def _submit(h: Harness, files: list[Path]) -> tuple[list[str], list[str]]:
    """Documents in records of five, then one extractive summary per record, queued behind
    every document (lower priority) so that each finds its record complete."""
    jobs, summaries, record = [], [], None
    for i, path in enumerate(files):
        info = h.request(p.ProcessDocument(path=str(path),
                                           record_id=None if i % RECORD_SIZE == 0 else record))
        record = info.record_id
        jobs.append(info.id)
        if i % RECORD_SIZE == RECORD_SIZE - 1:
            summaries.append(h.request(p.Summarize(record_id=record, use_model=False,
                                                   use_cache=False, priority=-1)).id)
    return jobs, summaries


def _kill_at(h: Harness, point: str, rng: random.Random) -> str | None:
    """Let a few jobs finish, then SIGKILL the engine at ``point``; None if the queue ran dry
    first. Returns what the engine was doing when it died."""
    assert h.client is not None
    finishes = rng.randint(1, 6)
    if point == "timer":
        time.sleep(rng.uniform(0.05, 2.5))
        h.client.kill()
        return "timer"
    for event in h.client.events(timeout=30):
        if isinstance(event, p.JobFinished):
            finishes -= 1
            if point == "finished" and finishes <= 0:
                h.client.kill()
                return point
        elif isinstance(event, p.JobProgress) and finishes <= 0 and (
                event.stage == point or (point == "store" and event.stage == "summarize")):
            h.client.kill()
            return event.stage
    return None


def _await_restart(h: Harness) -> None:
    assert h.client is not None
    for event in h.client.events(timeout=120):
        if isinstance(event, p.EngineRestarted):
            return
    raise AssertionError("the engine was not restarted after a kill")


@pytest.fixture
def harness(tmp_path, scale):
    """The engine on a fresh store; the client gives up after ``max_restarts`` deaths in its
    lifetime (20 by default), so the full run's kills need a larger allowance."""
    h = Harness(tmp_path / "data", max_restarts=scale.crash_kills + 5).start()
    h.init()
    yield h
    h.close()


def test_sigkill_at_random_points(harness, tmp_path, eval_dir, scale, tally):
    rng = random.Random(scale.seed)
    files = _inputs(tmp_path, eval_dir, scale.crash_jobs)
    docs, summaries = _submit(harness, files)
    points = [KILL_POINTS[i % len(KILL_POINTS)] for i in range(scale.crash_kills)]
    rng.shuffle(points)
    landed = collections.Counter()
    for point in points:
        where = _kill_at(harness, point, rng)
        if where is None:
            break
        landed[where] += 1
        _await_restart(harness)
    done = harness.wait(docs + summaries, timeout=1800)
    restarts = harness.client.restarts
    harness.close()
    check = check_store(harness.data_dir)

    states = collections.Counter(i.state for i in done.values())
    failed = collections.Counter(i.error.code for i in done.values() if i.state == "failed")
    lost = [j for j in docs + summaries if check.job_states.get(j) not in TERMINAL]
    tally.record("crash", jobs=len(docs) + len(summaries), faults_injected=sum(landed.values()),
                 kill_points=dict(landed), jobs_lost=len(lost), duplicates=check.duplicates(),
                 engine_deaths=restarts - sum(landed.values()), outcomes=dict(states),
                 failure_codes=dict(failed), integrity_ok=check.integrity_ok,
                 audit_ok=check.audit_ok, audit_entries=check.audit_entries)
    assert sum(landed.values()) >= min(3, scale.crash_kills), landed
    assert restarts == sum(landed.values())
    assert not lost
    assert set(states) <= {"succeeded", "failed"} and set(failed) <= {"WORKER_CRASHED"}
    assert check.integrity_ok and check.audit_ok
    assert check.duplicates() == 0
    succeeded_docs = {j for j in docs if done[j].state == "succeeded"}
    assert set(check.documents_per_job) == succeeded_docs
    assert check.summaries == sum(done[j].state == "succeeded" for j in summaries)
    assert set(check.finishes_per_job) == set(docs + summaries)


CLIENT = r"""
import json, sys, time
from pathlib import Path
from engine import protocol as p
from engine.client import EngineClient

data_dir, password, *files = sys.argv[1:]
client = EngineClient(Path(data_dir)).start()
client.request(p.Unlock(username="admin", password=password))
ids = [client.request(p.ProcessDocument(path=f)).id for f in files]
print(json.dumps({"engine_pid": client.pid, "jobs": ids}), flush=True)
for event in client.events(timeout=300):
    if isinstance(event, p.JobProgress) and event.stage == "extract" and event.value >= 1 \
            and event.maximum > 1:
        print("RUNNING", event.job_id, flush=True)
        break
time.sleep(600)  # killed here, with a job in the middle of its pages
"""


def _log_events(data_dir: Path) -> list[str]:
    lines = (data_dir / "logs" / "engine.log").read_text().splitlines()
    return [json.loads(line)["event"] for line in lines]


def test_client_killed_engine_stops_cleanly_and_resumes(tmp_path, eval_dir, tally):
    data_dir = tmp_path / "data"
    new_store(data_dir)
    scan = repeated_pdf(tmp_path / "scan.pdf", eval_dir / "documents" / "note_1315_scanned.pdf",
                        4)
    files = [tmp_path / f"n{i}.txt" for i in range(5)]
    for i, path in enumerate(files):
        path.write_text(f"Follow-up {i}: blood pressure 128/82, continue lisinopril 10 mg.")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    client = subprocess.Popen([sys.executable, "-c", CLIENT, str(data_dir), PASSWORD,
                               str(scan), *map(str, files)],
                              stdout=subprocess.PIPE, text=True, env=env)
    try:
        started = json.loads(client.stdout.readline())
        running = client.stdout.readline().split()
        assert running and running[0] == "RUNNING", running
        client.send_signal(signal.SIGKILL)
        client.wait(10)
    finally:
        client.kill()
    stopped_after = wait_gone(started["engine_pid"], 60)
    assert stopped_after is not None, "the engine outlived its client"
    events = _log_events(data_dir)
    assert "parent_gone" in events and events[-1] == "engine_stopped"  # a clean stop

    interrupted = check_store(data_dir).job_states[running[1]]
    resumed = Harness(data_dir).start()
    try:
        resumed.login()
        done = resumed.wait(started["jobs"], timeout=600)
    finally:
        resumed.close()
    states = collections.Counter(i.state for i in done.values())
    tally.record("client_kill", faults_injected=1, jobs=len(started["jobs"]),
                 engine_stop_s=round(stopped_after, 2), interrupted_job_left=interrupted,
                 jobs_lost=len(started["jobs"]) - states["succeeded"])
    # The job cut off by the stop was left for the next start, not cancelled on the user.
    assert interrupted in ("running", "queued")
    assert states == {"succeeded": len(started["jobs"])}
    assert done[running[1]].attempts == 2
