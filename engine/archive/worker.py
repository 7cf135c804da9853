"""The Ray actor of an archive run: one per CPU, each building the pipeline stage once."""

from __future__ import annotations

import os

import pyarrow as pa

from engine import airgap
from engine.archive.inputs import ArchiveInput
from engine.archive.shards import to_table
from engine.archive.stage import DocumentStage, StageConfig


class ArchiveWorker:
    """Called by Ray Data with batches of inputs (paths and byte ranges, no contents);
    returns their output rows."""

    def __init__(self, config: StageConfig) -> None:
        airgap.install()  # the worker processes are air-gapped like the driver
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one CPU per actor
        self.stage = DocumentStage(config)

    def __call__(self, batch: pa.Table) -> pa.Table:
        return to_table([self.stage.run(ArchiveInput(**row)) for row in batch.to_pylist()])
