"""What the reliability tests share: a real engine process, store checks, memory sampling and
a marker scan. Nothing here is faked: the engine is the product's, started by its client."""

from __future__ import annotations

import collections
import contextlib
import json
import os
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil

from engine import protocol as p
from engine.client import EngineClient
from engine.store import audit, unlock

ADMIN = "admin"
PASSWORD = "reliability pass 1"
TERMINAL = frozenset({"succeeded", "failed", "cancelled"})
OUTCOME_ACTIONS = frozenset({"job.finish", "job.fail", "job.cancel"})  # one per job, ever
# Codes a hostile or damaged input may end with; anything else (INTERNAL_ERROR,
# WORKER_CRASHED, …) is a defect.
INPUT_CODES = frozenset({"UNSUPPORTED_FORMAT", "CORRUPT_FILE", "ENCRYPTED_DOCUMENT",
                         "FILE_TOO_LARGE", "EMPTY_DOCUMENT", "FILE_NOT_FOUND",
                         "FORBIDDEN_PATH", "TIMEOUT"})


@dataclass(frozen=True)
class Scale:
    """How hard each part pushes: CI's reduced, seeded run or the full one."""

    name: str
    seed: int
    crash_jobs: int
    crash_kills: int
    fuzz_examples: int
    load_documents: int


CI_SCALE = Scale("ci", 20261201, crash_jobs=60, crash_kills=4, fuzz_examples=100,
                 load_documents=1000)
FULL_SCALE = Scale("full", 20261201, crash_jobs=500, crash_kills=25, fuzz_examples=1000,
                   load_documents=1000)
SCALE = FULL_SCALE if os.environ.get("HNTAI_RELIABILITY_FULL") == "1" else CI_SCALE


class Harness:
    """An ``EngineClient`` on one data directory, with the admin's login at hand."""

    def __init__(self, data_dir: Path, **client_options) -> None:
        self.data_dir = data_dir
        self.options = client_options
        self.client: EngineClient | None = None
        self.recovery_key = ""

    def start(self) -> Harness:
        self.client = EngineClient(self.data_dir, **self.options).start()
        return self

    def init(self) -> None:
        self.recovery_key = self.request(p.InitStore(admin=ADMIN, password=PASSWORD)
                                         ).recovery_key

    def login(self, user: str = ADMIN, password: str = PASSWORD) -> p.UserInfo:
        return self.request(p.Unlock(username=user, password=password))

    def request(self, request: p.Request, timeout: float | None = 300.0):
        assert self.client is not None
        return self.client.request(request, timeout=timeout)

    def submit(self, paths: Iterable[Path], **options) -> list[str]:
        return [self.request(p.ProcessDocument(path=str(f), **options)).id for f in paths]

    def wait(self, job_ids: Iterable[str], timeout: float = 600) -> dict[str, p.JobInfo]:
        assert self.client is not None
        return self.client.wait_jobs(list(job_ids), poll_s=1.0, timeout=timeout)

    @property
    def pid(self) -> int:
        assert self.client is not None and self.client.pid is not None
        return self.client.pid

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None


def new_store(data_dir: Path, files: Iterable[Path] = ()) -> list[str]:
    """Create a store, process ``files`` into it and stop the engine; return the job ids."""
    h = Harness(data_dir).start()
    try:
        h.init()
        jobs = h.submit(files)
        h.wait(jobs)
    finally:
        h.close()
    return jobs


def note_files(folder: Path, tag: str, count: int, body: str) -> list[Path]:
    """``count`` text files, each ``body`` under its own first line (so no two are alike)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(count):
        path = folder / f"{tag}_{i}.txt"
        path.write_text(f"{tag} {i}\n{body}")
        out.append(path)
    return out


@dataclass(frozen=True)
class StoreCheck:
    """What an engine-less look into the closed store finds."""

    integrity_ok: bool
    audit_ok: bool
    audit_entries: int
    job_states: dict[str, str]
    documents_per_job: dict[str, int]
    finishes_per_job: dict[str, int]  # outcome audit rows
    user_retries: dict[str, int]  # a user's retry of a failed job earns it one more outcome
    summaries: int

    def duplicates(self) -> int:
        """Jobs whose outcome was written more than once (documents or finish rows)."""
        return (sum(n - 1 for n in self.documents_per_job.values() if n > 1)
                + sum(max(0, n - 1 - self.user_retries.get(job, 0))
                      for job, n in self.finishes_per_job.items()))


def check_store(data_dir: Path, user: str = ADMIN, password: str = PASSWORD) -> StoreCheck:
    """Open the store in this process (the engine must be stopped) and check it whole."""
    store = unlock(data_dir, user, password)
    try:
        conn = store.db.conn
        integrity = conn.execute("PRAGMA cipher_integrity_check").fetchall() == []
        integrity = integrity and conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        verified = audit.verify(conn)
        states = dict(conn.execute("SELECT id, state FROM jobs").fetchall())
        docs = collections.Counter(r[0] for r in conn.execute(
            "SELECT job_id FROM documents WHERE job_id IS NOT NULL"))
        trail = list(audit.entries(conn))
        finishes = collections.Counter(e.resource_id for e in trail
                                       if e.action in OUTCOME_ACTIONS)
        retries = collections.Counter(e.resource_id for e in trail if e.action == "job.retry"
                                      and json.loads(e.request_data).get("reason") == "user")
        summaries = conn.execute("SELECT count(*) FROM summaries").fetchone()[0]
    finally:
        store.close()
    return StoreCheck(integrity, verified.ok, verified.entries, states, dict(docs),
                      dict(finishes), dict(retries), summaries)


class PeakMemory:
    """A process's highest resident memory over a stretch: sampled on a thread, and on Linux
    also read from the kernel's high-water mark (``VmHWM``, reset on entry), which no
    sampling interval can miss."""

    def __init__(self, pid: int, every_s: float = 0.1) -> None:
        self.pid = pid
        self.every_s = every_s
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._proc = Path(f"/proc/{pid}")

    def _reset_high_water(self) -> None:
        with contextlib.suppress(OSError):
            (self._proc / "clear_refs").write_text("5")  # 5: reset the peak RSS

    def _high_water(self) -> int:
        with contextlib.suppress(OSError, ValueError):
            for line in (self._proc / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        return 0

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, psutil.Process(self.pid).memory_info().rss)
            except psutil.Error:  # the process ended (or was restarted under a new pid)
                return
            self._stop.wait(self.every_s)

    def __enter__(self) -> PeakMemory:
        self._reset_high_water()
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self.peak = max(self.peak, self._high_water())


def files_below(*roots: Path) -> Iterator[Path]:
    for root in roots:
        if root.is_file():
            yield root
        elif root.is_dir():
            yield from (f for f in root.rglob("*") if f.is_file() and not f.is_symlink())


def find_markers(files: Iterable[Path], markers: Iterable[str]) -> list[tuple[str, str]]:
    """(file, marker) for every marker found in a file as UTF-8 or UTF-16 text."""
    needles = [(m, m.encode(enc)) for m in markers for enc in ("utf-8", "utf-16-le")]
    found = []
    for path in files:
        with contextlib.suppress(OSError):
            raw = path.read_bytes()
            found += [(str(path), m) for m, needle in needles if needle in raw]
    return sorted(set(found))


def wait_gone(pid: int, timeout: float) -> float | None:
    """Seconds until ``pid`` exited (a zombie counts: an orphan's reaper may be slow), or
    None if it still runs after ``timeout``."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                break
        except psutil.NoSuchProcess:
            break
        time.sleep(0.05)
    else:
        return None
    return time.monotonic() - start


def text_pdf(path: Path, pages: int, text: str) -> Path:
    import pymupdf

    with pymupdf.open() as doc:
        for _ in range(pages):
            doc.new_page().insert_textbox(pymupdf.Rect(50, 50, 545, 800), text, fontsize=9)
        doc.save(path)
    return path


def repeated_pdf(path: Path, source: Path, copies: int) -> Path:
    """``copies`` times the pages of ``source`` (a scanned PDF: OCR makes each page slow)."""
    import pymupdf

    with pymupdf.open() as doc, pymupdf.open(source) as src:
        for _ in range(copies):
            doc.insert_pdf(src)
        doc.save(path)
    return path
