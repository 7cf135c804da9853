"""Parquet shards of output rows: the schema, an atomic writer and a checked reader.

A shard is written under a temporary name, flushed to disk and renamed into place, so a
shard file is always whole; it belongs to the output only once ``manifest.json`` lists it
with its SHA-256 (engine/archive/manifest.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from engine.errors import CorruptFile
from engine.hashing import file_sha256

SPAN = pa.struct([("type", pa.string()), ("start", pa.int64()), ("end", pa.int64())])
ROW_SCHEMA = pa.schema([
    ("id", pa.string()),
    ("source_hash", pa.string()),  # HMAC-SHA-256 of the path under the input, or note id
    ("kind", pa.string()),  # pdf | docx | image | text | ccda | fhir | note; null: unread
    ("sha256", pa.string()),  # of the file's bytes (a note: its UTF-8 text); null: unread
    ("mime", pa.string()),
    ("size_bytes", pa.int64()),
    ("status", pa.string()),  # processed | failed
    ("error_code", pa.string()),
    ("page_count", pa.int32()),
    ("ocr_pages", pa.int32()),
    ("scrubbed_text", pa.string()),
    ("phi_spans", pa.list_(SPAN)),  # offsets into scrubbed_text, types; never originals
    ("pages", pa.string()),  # JSON: [{"number", "start", "end", "ocr"}] in scrubbed_text
    ("entities", pa.string()),  # JSON: the clinical extraction, as the store keeps it
])
TEMP_PREFIX = ".tmp-"


@dataclass(frozen=True)
class ShardInfo:
    name: str
    rows: int
    sha256: str


def shard_name(number: int) -> str:
    return f"part-{number:05d}.parquet"


def to_table(rows: Sequence[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(list(rows), schema=ROW_SCHEMA)


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_shard(folder: Path, name: str, table: pa.Table) -> ShardInfo:
    temp = folder / f"{TEMP_PREFIX}{name}"
    pq.write_table(table, temp, compression="zstd")
    with open(temp, "rb") as fh:
        os.fsync(fh.fileno())
    info = ShardInfo(name=name, rows=table.num_rows, sha256=file_sha256(temp))
    os.replace(temp, folder / name)
    fsync_dir(folder)
    return info


def read_shard(folder: Path, shard: ShardInfo, columns: Sequence[str] | None = None
               ) -> pa.Table:
    """A committed shard, checked against the hash the manifest recorded for it."""
    path = folder / shard.name
    if not path.is_file() or file_sha256(path) != shard.sha256:
        raise CorruptFile("a committed shard of the output is missing or changed",
                          {"shard": shard.name})
    return pq.read_table(path, columns=list(columns) if columns else None)


def read_ids(folder: Path, shards: Iterable[ShardInfo]) -> list[str]:
    """The ids of the committed shards, each shard checked against its recorded hash."""
    return [row_id for shard in shards
            for row_id in read_shard(folder, shard, ["id"]).column("id").to_pylist()]


def remove_uncommitted(folder: Path, committed: Iterable[ShardInfo]) -> int:
    """Delete what a killed run left that the manifest does not list; the count removed."""
    keep = {s.name for s in committed}
    removed = 0
    for path in folder.iterdir():
        if path.name.startswith(TEMP_PREFIX) or (path.suffix == ".parquet"
                                                 and path.name not in keep):
            path.unlink()
            removed += 1
    return removed
