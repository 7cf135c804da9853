"""``manifest.json``: the commit point of an archive output.

A shard is part of the output when the manifest lists it; the manifest is replaced
atomically (temporary file, flush, rename) after each shard, so a run killed at any moment
leaves a manifest that describes exactly the shards that are whole. It holds no PHI: counts,
error codes, the policy, versions, times, and a SHA-256 per shard.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from engine.archive.shards import ShardInfo, fsync_dir
from engine.errors import CorruptFile

MANIFEST = "manifest.json"
FORMAT = 1
RUNNING, COMPLETE = "running", "complete"


@dataclass(frozen=True)
class ArchiveManifest:
    run_id: str
    policy: str
    inputs: int  # documents listed in the input
    started_at: str
    status: str = RUNNING
    finished_at: str | None = None
    processed: int = 0
    failed: int = 0
    errors_by_code: dict[str, int] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    shards: tuple[ShardInfo, ...] = ()
    format: int = FORMAT

    @property
    def rows(self) -> int:
        return sum(s.rows for s in self.shards)

    def with_shard(self, shard: ShardInfo, statuses: Counter, codes: Counter
                   ) -> ArchiveManifest:
        errors = Counter(self.errors_by_code) + codes
        return replace(self, shards=(*self.shards, shard),
                       processed=self.processed + statuses.get("processed", 0),
                       failed=self.failed + statuses.get("failed", 0),
                       errors_by_code=dict(sorted(errors.items())))

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def load(folder: Path) -> ArchiveManifest | None:
    path = folder / MANIFEST
    if not path.exists():
        return None
    try:
        raw = json.loads(path.read_text("utf-8"))
        shards = tuple(ShardInfo(**s) for s in raw.pop("shards"))
        manifest = ArchiveManifest(**raw, shards=shards)
    except (ValueError, TypeError, KeyError):
        raise CorruptFile("the output's manifest.json cannot be read") from None
    if manifest.format != FORMAT:
        raise CorruptFile("the output's manifest.json is of another format",
                          {"format": manifest.format})
    return manifest


def save(folder: Path, manifest: ArchiveManifest) -> str:
    """Replace the manifest atomically; its SHA-256."""
    data = (json.dumps(manifest.to_json(), indent=2, sort_keys=True) + "\n").encode("utf-8")
    temp = folder / f".{MANIFEST}.tmp"
    with open(temp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(temp, folder / MANIFEST)
    fsync_dir(folder)
    return hashlib.sha256(data).hexdigest()
