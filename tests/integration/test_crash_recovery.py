"""SIGKILL the engine while 200 jobs are queued and running: nothing lost, nothing twice."""

from __future__ import annotations

import collections
import json
import random
import shutil

import pymupdf

from engine import protocol as p
from engine.store import audit, unlock

JOBS = 200
KILLS = 3
BIG_PAGES = 60


def test_sigkill_with_200_jobs(engine, tmp_path, credentials, eval_dir):
    note = (eval_dir / "documents" / "note_1315.txt").read_text()
    big = tmp_path / "big.pdf"
    with pymupdf.open() as doc:  # long enough that a kill can land in the middle of it
        for _ in range(BIG_PAGES):
            doc.new_page().insert_textbox(pymupdf.Rect(50, 50, 545, 800), note, fontsize=9)
        doc.save(big)
    files = []
    for i in range(JOBS):
        path = tmp_path / f"in_{i:03d}.{'pdf' if i % 10 == 0 else 'txt'}"
        if i % 10 == 0:
            shutil.copy(big, path)
        else:
            path.write_text(f"Visit {i}.\n{note}")
        files.append(path)
    job_ids = [engine.request(p.ProcessDocument(path=str(f))).id for f in files]

    rng = random.Random(20261124)
    killed_jobs = []
    for _ in range(KILLS):
        # After a random number of finished jobs, kill the engine as a long PDF reports its
        # first page: with the rest of its pages to go, it is mid-run ("running" in the store).
        finishes_to_wait = rng.randint(5, 40)
        for event in engine.events(timeout=120):
            if isinstance(event, p.JobFinished):
                finishes_to_wait -= 1
            elif (isinstance(event, p.JobProgress) and finishes_to_wait <= 0
                  and event.stage == "extract" and event.value == 1
                  and event.maximum == BIG_PAGES):
                engine.kill()
                killed_jobs.append(event.job_id)
                break
        else:
            raise AssertionError("the engine stopped reporting progress")
        for event in engine.events(timeout=120):
            if isinstance(event, p.EngineRestarted):
                break

    done = engine.wait_jobs(job_ids, timeout=1200)
    states = collections.Counter(info.state for info in done.values())
    assert len(done) == JOBS
    assert set(states) <= {"succeeded", "failed"}
    failed = [i for i in done.values() if i.state == "failed"]
    assert all(i.error.code == "WORKER_CRASHED" for i in failed)
    assert engine.restarts >= KILLS
    # The jobs running at the kills were retried (or failed as crashed after 3 attempts).
    assert any(done[j].attempts >= 2 or done[j].state == "failed" for j in killed_jobs)
    data_dir = engine.data_dir
    engine.close()

    store = unlock(data_dir, *credentials)
    try:
        conn = store.db.conn
        assert conn.execute("PRAGMA cipher_integrity_check").fetchall() == []
        assert audit.verify(conn).ok
        doc_jobs = [r[0] for r in conn.execute("SELECT job_id FROM documents")]
        assert len(doc_jobs) == len(set(doc_jobs)) == states["succeeded"]
        finishes = collections.Counter(
            e.resource_id for e in audit.entries(conn) if e.action == "job.finish"
        )
        assert all(n == 1 for n in finishes.values())
        assert set(finishes) == {i.id for i in done.values() if i.state == "succeeded"}
        assert all(i.result["document_id"] for i in done.values() if i.state == "succeeded")
        assert json.loads(conn.execute(
            "SELECT value FROM settings WHERE key = 'audit.head'").fetchone()[0])["id"] > JOBS
    finally:
        store.close()
