"""SIGKILL the engine while 200 jobs are queued and running: nothing lost, nothing twice."""

from __future__ import annotations

import collections
import json
import random
import time

from engine import protocol as p
from engine.store import audit, unlock

JOBS = 200
KILLS = 3


def test_sigkill_with_200_jobs(engine, tmp_path, credentials, eval_dir):
    note = (eval_dir / "documents" / "note_1315.txt").read_text()
    files = []
    for i in range(JOBS):
        path = tmp_path / f"in_{i:03d}.txt"
        path.write_text(f"Visit {i}.\n{note}")
        files.append(path)
    job_ids = [engine.request(p.ProcessDocument(path=str(f))).id for f in files]

    rng = random.Random(20261124)
    restarts_before = engine.restarts
    for _ in range(KILLS):
        # Let some work happen, then kill mid-stream at a random moment.
        time.sleep(rng.uniform(0.5, 2.0))
        engine.kill()
        deadline = time.monotonic() + 120
        while engine.restarts == restarts_before and time.monotonic() < deadline:
            time.sleep(0.1)
        restarts_before = engine.restarts

    done = engine.wait_jobs(job_ids, timeout=1200)
    states = collections.Counter(info.state for info in done.values())
    assert len(done) == JOBS
    assert set(states) <= {"succeeded", "failed"}
    failed = [i for i in done.values() if i.state == "failed"]
    assert all(i.error.code == "WORKER_CRASHED" for i in failed)
    assert engine.restarts >= KILLS
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
