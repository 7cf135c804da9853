"""The driver of an archive run: what is left to do, the Ray Data job, shards and commits.

Inputs already in a committed shard are skipped, so a run started again on the same output
finishes the rest. Rows stream back from the actors; every ``shard_rows`` of them become a
shard and a new manifest. A row is kept once even if Ray hands it over twice (a retried
batch after a worker died), and a run ends complete only with one row for every input.
"""

from __future__ import annotations

import logging
import platform
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import pyarrow as pa

from engine import __version__
from engine.archive import manifest as manifests
from engine.archive.inputs import NOTE, ArchiveInput
from engine.archive.manifest import ArchiveManifest
from engine.archive.shards import read_ids, remove_uncommitted, shard_name, write_shard
from engine.archive.stage import StageConfig
from engine.archive.worker import ArchiveWorker
from engine.clock import utc_now_iso
from engine.errors import WorkerCrashed

Progress = Callable[[int, int], None]
"""Called with (documents done, documents in the input) as rows arrive."""


@dataclass(frozen=True)
class RunOptions:
    shard_rows: int = 1000
    batch_size: int | None = None  # None: 2 files (OCR is slow) or 64 notes per batch


@dataclass(frozen=True)
class RunResult:
    manifest: ArchiveManifest
    manifest_sha256: str
    resumed: int  # inputs found already done in the output
    processed_now: int  # rows this run wrote
    seconds: float


def versions() -> dict[str, str]:
    import ray

    return {"hntai": __version__, "ray": ray.__version__, "pyarrow": pa.__version__,
            "python": platform.python_version()}


class _Committer:
    def __init__(self, out: Path, manifest: ArchiveManifest, shard_rows: int) -> None:
        self.out, self.manifest, self.shard_rows = out, manifest, shard_rows
        self.pending: list[pa.Table] = []
        self.pending_rows = 0
        self.sha256 = ""

    def add(self, table: pa.Table) -> None:
        self.pending.append(table)
        self.pending_rows += table.num_rows
        if self.pending_rows >= self.shard_rows:
            self.flush()

    def flush(self) -> None:
        if not self.pending_rows:
            return
        table = pa.concat_tables(self.pending)
        shard = write_shard(self.out, shard_name(len(self.manifest.shards)), table)
        statuses = Counter(table.column("status").to_pylist())
        codes = Counter(c for c in table.column("error_code").to_pylist() if c)
        self.commit(self.manifest.with_shard(shard, statuses, codes))
        self.pending, self.pending_rows = [], 0

    def commit(self, manifest: ArchiveManifest) -> None:
        self.manifest = manifest
        self.sha256 = manifests.save(self.out, manifest)


def run_archive(items: Sequence[ArchiveInput], out: Path, config: StageConfig,
                manifest: ArchiveManifest, cpus: int, options: RunOptions = RunOptions(),
                on_progress: Progress | None = None) -> RunResult:
    """Process what of ``items`` the output lacks on the connected Ray (``ray_session``)."""
    import ray
    import ray.data

    logging.getLogger("ray.data").setLevel(logging.ERROR)  # its INFO lines name temp paths
    started = time.perf_counter()
    remove_uncommitted(out, manifest.shards)
    done = set(read_ids(out, manifest.shards))
    todo = [item for item in items if item.id not in done]
    committer = _Committer(out, replace(manifest, inputs=len(items), versions=versions()),
                           options.shard_rows)
    committer.commit(committer.manifest)
    report = on_progress or (lambda _done, _total: None)
    report(len(done), len(items))
    if todo:
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        context.print_on_execution_start = False
        notes = all(item.kind == NOTE for item in todo)
        batch = options.batch_size or (64 if notes else 2)
        dataset = ray.data.from_items([asdict(item) for item in todo]).map_batches(
            ArchiveWorker, fn_constructor_args=(config,), batch_size=batch,
            batch_format="pyarrow", num_cpus=1,
            compute=ray.data.ActorPoolStrategy(size=max(1, min(cpus, len(todo)))))
        for table in dataset.iter_batches(batch_format="pyarrow", batch_size=None):
            fresh = [i for i, row_id in enumerate(table.column("id").to_pylist())
                     if row_id not in done]
            done.update(table.column("id").to_pylist())
            if fresh:
                committer.add(table.take(fresh))
            report(len(done), len(items))
    committer.flush()
    missing = {item.id for item in items} - done
    if missing:  # left "running": the next run does the rest
        raise WorkerCrashed("some documents got no result: run the command again to finish",
                            {"missing": len(missing)})
    committer.commit(replace(committer.manifest, status=manifests.COMPLETE,
                             finished_at=utc_now_iso()))
    return RunResult(manifest=committer.manifest, manifest_sha256=committer.sha256,
                     resumed=len(items) - len(todo), processed_now=len(todo),
                     seconds=time.perf_counter() - started)
