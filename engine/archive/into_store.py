"""``--into-store``: a finished archive run's documents into the encrypted store of this machine.

An archive links no document to a patient, and two documents of a backlog may be of two
patients, so every processed row becomes a record of its own holding that one document
(``document 1 (PDF)``: no file name is kept). Each record's secret is the run key, under
which the row was scrubbed, so a surrogate made later for that record agrees with the run's
output; the key itself is kept in the store's secrets and its file on disk removed
(engine/archive/keys.py).

Loading is idempotent: a row's record id is an HMAC of its row id under the run key, so a
second load, or one after a crash, finds the records already there and adds only what is
missing. Everything (records, documents, the key, one ``archive.load`` audit entry without
PHI) is written in one transaction, under the data folder's engine lock so that no engine
writes the store meanwhile. Failed rows are counted, not loaded.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from engine.archive import keys
from engine.archive.manifest import COMPLETE, ArchiveManifest
from engine.archive.shards import read_shard
from engine.archive.stage import PROCESSED
from engine.documents.file_names import neutral_name
from engine.errors import InvalidRequest
from engine.permissions import require
from engine.protocol import Permission
from engine.store import audit, documents, records
from engine.store_lock import StoreLock

ACTION = "archive.load"


@dataclass(frozen=True)
class LoadResult:
    run_id: str
    loaded: int  # documents added now
    already: int  # processed rows the store held from an earlier load
    failed: int  # error rows: counted, never loaded
    manifest_sha256: str


def record_id(key: bytes, row_id: str) -> str:
    """The record of one row: the same on every load of the run, unlinkable without the key."""
    digest = hmac.new(key, f"archive-record\0{row_id}".encode(), hashlib.sha256)
    return "R-" + digest.hexdigest()[:12]


def _document(row: dict[str, Any], record: str) -> documents.NewDocument:
    return documents.NewDocument(
        record_id=record, job_id=None, source_name=neutral_name(1, row["kind"]),
        sha256=row["sha256"], kind=row["kind"], mime=row["mime"], size_bytes=row["size_bytes"],
        page_count=row["page_count"], ocr_pages=row["ocr_pages"], status=PROCESSED,
        scrubbed_text=row["scrubbed_text"], phi_spans=row["phi_spans"],
        pages=json.loads(row["pages"]), extraction=json.loads(row["entities"]))


def load_run(store, data_dir: Path, out: Path, manifest: ArchiveManifest, key: bytes,
             manifest_sha256: str) -> LoadResult:
    """Load every processed row of the complete run in ``out`` into ``store``."""
    if manifest.status != COMPLETE:
        raise InvalidRequest("only a complete archive run can be loaded into the store")
    require(store.session.role, Permission.DOCUMENT_SUBMIT)
    user = store.session.username
    loaded = already = failed = 0
    with StoreLock(data_dir), store.db.transaction() as conn:
        keys.keep_in_store(conn, manifest.run_id, key)
        for shard in manifest.shards:
            for row in read_shard(out, shard).to_pylist():
                if row["status"] != PROCESSED:
                    failed += 1
                    continue
                rid = record_id(key, row["id"])
                if records.find(conn, rid) is not None:
                    already += 1
                    continue
                records.store(conn, replace(records.pending(rid), secret=key), user)
                records.set_label(conn, rid, f"archive {manifest.run_id}")
                documents.insert(conn, _document(row, rid))
                loaded += 1
        result = LoadResult(manifest.run_id, loaded, already, failed, manifest_sha256)
        audit.append(conn, audit.AuditEvent(
            ACTION, user_id=user, resource_type="archive", resource_id=manifest.run_id,
            phi_accessed=True, request_data=asdict(result)))
    keys.remove_file(data_dir, manifest.run_id)  # the store holds the key now
    return result
