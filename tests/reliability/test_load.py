"""Load: 1,000 small documents submitted at once, through the engine API and through the CLI.
The queue is durable (rows in the store), so the engine's memory must not grow with it; the
engine keeps answering other requests meanwhile. Throughput is reported, not asserted."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
from harness import ADMIN, PASSWORD, Harness, PeakMemory, new_store

from engine import protocol as p

GROWTH_CEILING = 256 << 20  # engine memory above its idle size while 1,000 jobs queue


def _small_docs(folder: Path, count: int) -> list[Path]:
    folder.mkdir()
    files = []
    for i in range(count):
        path = folder / f"visit_{i:04d}.txt"
        path.write_text(f"Visit {i}: blood pressure 12{i % 10}/80, pulse 7{i % 10}. "
                        f"Continue lisinopril 10 mg daily; follow up in {i % 12 + 1} weeks.")
        files.append(path)
    return files


class _Latency:
    """Round trips of a status request, on a thread, while the main thread waits on jobs."""

    def __init__(self, harness: Harness) -> None:
        self.harness = harness
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            start = time.perf_counter()
            self.harness.request(p.GetJob(job_id=self.probe), timeout=60)
            self.samples.append(time.perf_counter() - start)

    def __enter__(self) -> _Latency:
        self.probe = self.harness.request(p.ListJobs(limit=1))[0].id
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(60)

    def figures(self) -> dict[str, float]:
        ordered = sorted(self.samples)
        return {"query_ms_median": round(statistics.median(ordered) * 1000, 1),
                "query_ms_p95": round(ordered[int(len(ordered) * 0.95)] * 1000, 1),
                "query_ms_max": round(ordered[-1] * 1000, 1)}


def test_thousand_documents_through_the_api(harness, tmp_path, scale, tally):
    files = _small_docs(tmp_path / "docs", scale.load_documents)
    idle = psutil.Process(harness.pid).memory_info().rss
    with PeakMemory(harness.pid) as memory:
        start = time.perf_counter()
        ids = harness.submit(files)
        submitted = time.perf_counter() - start
        with _Latency(harness) as latency:
            done = harness.wait(ids, timeout=1800)
        elapsed = time.perf_counter() - start
    states = {i.state for i in done.values()}
    tally.record("load", jobs=len(ids), api_submit_per_s=round(len(ids) / submitted, 1),
                 api_docs_per_s=round(len(ids) / elapsed, 1),
                 api_engine_rss_growth_mb=(memory.peak - idle) >> 20,
                 **{f"api_{k}": v for k, v in latency.figures().items()},
                 jobs_lost=len(ids) - len(done), engine_deaths=harness.client.restarts)
    assert states == {"succeeded"} and len(done) == len(files)
    assert memory.peak - idle < GROWTH_CEILING, (memory.peak - idle) >> 20


def test_thousand_documents_through_the_cli(tmp_path, scale, tally):
    data_dir = tmp_path / "data"
    new_store(data_dir)
    files = _small_docs(tmp_path / "docs", scale.load_documents)
    env = {**os.environ, "HNTAI_DATA_DIR": str(data_dir), "HNTAI_USER": ADMIN,
           "HNTAI_PASSWORD": PASSWORD}
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "engine.cli", "process", "--json",
                          str(tmp_path / "docs")], capture_output=True, text=True, env=env,
                         timeout=1800, stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    tally.record("load", cli_documents=len(rows), cli_docs_per_s=round(len(rows) / elapsed, 1),
                 cli_exit_code=run.returncode)
    assert run.returncode == 0, run.stderr[-2000:]
    assert len(rows) == len(files) and {r["status"] for r in rows} == {"succeeded"}
    assert len({r["document_id"] for r in rows}) == len(files)
