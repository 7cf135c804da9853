"""Archive output: atomic shards, the manifest as commit point, what a killed run left, the
progress figures, and a worker stage that turns every failure into a coded row."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import pytest

from engine.archive import manifest as manifests
from engine.archive.inputs import list_inputs
from engine.archive.progress import ArchiveProgress
from engine.archive.shards import (
    TEMP_PREFIX,
    read_ids,
    remove_uncommitted,
    shard_name,
    to_table,
    write_shard,
)
from engine.archive.stage import DocumentStage, StageConfig
from engine.errors import CorruptFile


def row(i: int, status: str = "processed", code: str | None = None) -> dict:
    return {"id": f"n{i}", "source_hash": "h", "kind": "note", "status": status,
            "error_code": code, "page_count": 1, "ocr_pages": 0, "scrubbed_text": "t",
            "phi_spans": [{"type": "NAME", "start": 0, "end": 1}], "pages": "[]",
            "entities": "{}"}


def test_shards_commit_through_the_manifest(tmp_path):
    manifest = manifests.ArchiveManifest(run_id="r", policy="surrogate", inputs=3,
                                         started_at="t")
    shard = write_shard(tmp_path, shard_name(0), to_table([row(0), row(1, "failed",
                                                                        "CORRUPT_FILE")]))
    manifest = manifest.with_shard(shard, Counter(processed=1, failed=1),
                                   Counter(CORRUPT_FILE=1))
    digest = manifests.save(tmp_path, manifest)
    assert len(digest) == 64 and not list(tmp_path.glob(f"{TEMP_PREFIX}*"))
    loaded = manifests.load(tmp_path)
    assert loaded == manifest and loaded.rows == 2
    assert loaded.errors_by_code == {"CORRUPT_FILE": 1}
    assert read_ids(tmp_path, loaded.shards) == ["n0", "n1"]
    # a shard renamed into place but never committed, and a half-written one, are dropped
    write_shard(tmp_path, shard_name(1), to_table([row(2)]))
    (tmp_path / f"{TEMP_PREFIX}{shard_name(2)}").write_bytes(b"half")
    assert remove_uncommitted(tmp_path, loaded.shards) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [manifests.MANIFEST, shard_name(0)]


def test_a_changed_shard_is_refused(tmp_path):
    shard = write_shard(tmp_path, shard_name(0), to_table([row(0)]))
    (tmp_path / shard.name).write_bytes((tmp_path / shard.name).read_bytes() + b"x")
    with pytest.raises(CorruptFile):
        read_ids(tmp_path, [shard])


def test_unreadable_manifest(tmp_path):
    (tmp_path / manifests.MANIFEST).write_text("{")
    with pytest.raises(CorruptFile):
        manifests.load(tmp_path)
    assert manifests.load(tmp_path / "none") is None


def test_stage_config_never_shows_the_key():
    assert "secret" not in repr(StageConfig(policy="surrogate", secret=b"\x01" * 32))


def test_stage_turns_failures_into_coded_rows(tmp_path):
    (tmp_path / "empty.pdf").write_bytes(b"")
    (tmp_path / "blob.dat").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "note.txt").write_text("Seen by Dr. Amberly Voss on 03/04/2019 for asthma.")
    stage = DocumentStage(StageConfig(policy="redact", secret=b"k" * 32))
    rows = {Path(i.path).name: stage.run(i) for i in list_inputs(tmp_path, b"k" * 32)}
    text = rows["note.txt"]
    assert text["status"] == "processed" and "Voss" not in text["scrubbed_text"]
    assert {s["type"] for s in text["phi_spans"]} >= {"NAME", "DATE"}
    assert (rows["empty.pdf"]["error_code"], rows["blob.dat"]["error_code"]) == (
        "EMPTY_DOCUMENT", "UNSUPPORTED_FORMAT")
    assert rows["blob.dat"]["scrubbed_text"] is None and rows["blob.dat"]["kind"] is None


def test_progress_lines():
    ticks = iter([0.0, 0.0, 2.0, 2.0])
    out = io.StringIO()
    progress = ArchiveProgress(out, json_lines=True, every_s=0, clock=lambda: next(ticks))
    progress.update(10, 110)  # 10 resumed from an earlier run: not in the rate
    progress.update(30, 110)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines[-1] == {"event": "progress", "done": 30, "total": 110, "docs_per_s": 10.0,
                         "eta_s": 8.0}
