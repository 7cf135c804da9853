"""`hntai archive --into-store`: a complete run's documents land in the encrypted store, one
record per document, readable through the engine as the Parquet output has them; a second
load adds nothing; the run key moves into the store and is nowhere in the output, the logs
or the audit; nothing identifying reaches the store."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from engine import protocol as p
from engine.archive import keys
from engine.archive import manifest as manifests
from engine.archive.into_store import ACTION, load_run, record_id
from engine.client import EngineClient
from engine.phi import Scrubber, site_lexicon
from engine.protocol import ScrubPolicy
from engine.store import unlock

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "archive store admin password"
NOTES = {
    "Marblethorpe_Rosalind_2019.txt":
        "Clinic note. Patient Rosalind Marblethorpe, MRN 58213094, phone (617) 555-0143, "
        "seen on 03/14/2019 for type 2 diabetes. Started metformin 500 mg twice daily.\n",
    "letter_two.txt":
        "Discharge letter for Ottoline Vashchenko, DOB 11/02/1951, of 42 Wrenfield Lane. "
        "Diagnosis: community-acquired pneumonia. Amoxicillin 500 mg three times daily.\n",
    "visit_three.txt":
        "Follow-up for Rosalind Marblethorpe (MRN 58213094). Blood pressure 142/88. "
        "Continue lisinopril 10 mg daily. Denies chest pain.\n",
}
MARKERS = ("Rosalind", "Marblethorpe", "58213094", "555-0143", "Vashchenko", "Ottoline",
           "Wrenfield", "11/02/1951")


def hntai(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HNTAI_DATA_DIR": str(data_dir), "HNTAI_PASSWORD": PASSWORD,
           "PYTHONPATH": str(ROOT)}
    env.pop("HNTAI_USER", None)
    return subprocess.run([sys.executable, "-m", "engine.cli", *args], capture_output=True,
                          text=True, env=env, timeout=900, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """One archive of three notes and one unreadable file, loaded twice with --into-store."""
    root = tmp_path_factory.mktemp("archive_store")
    inputs, out, data_dir = root / "in", root / "out", root / "data"
    inputs.mkdir()
    for name, text in NOTES.items():
        (inputs / name).write_text(text, encoding="utf-8")
    (inputs / "scan.dat").write_bytes(b"\x00\x9f\x13 not a document format \xff\xfe" * 8)
    assert hntai(data_dir, "init", "--admin", "admin").returncode == 0
    args = ("--user", "admin", "archive", str(inputs), "--out", str(out), "--num-cpus", "2",
            "--into-store", "--json")
    runs = []
    for _ in range(2):
        run = hntai(data_dir, *args)
        assert run.returncode == 1, run.stderr[-2000:]  # the unreadable file failed
        runs.append(json.loads(run.stdout.splitlines()[-1]))
    return {"inputs": inputs, "out": out, "data_dir": data_dir, "runs": runs}


@dataclass(frozen=True)
class StoreView:
    key: bytes | None  # the run key as the store keeps it
    secrets: set[bytes]  # the records' secrets
    audit: list[tuple[str, str]]  # (action, request_data)
    dump: str  # every row of every table of the decrypted store, as text


def _stored(data_dir: Path, run_id: str) -> StoreView:
    store = unlock(data_dir, "admin", PASSWORD)
    try:
        conn = store.db.conn
        return StoreView(
            key=keys.stored_key(conn, run_id),
            secrets={bytes(r[0]) for r in conn.execute("SELECT secret FROM records")},
            audit=[tuple(r) for r in conn.execute(
                "SELECT action, request_data FROM audit_log ORDER BY id")],
            dump="\n".join(repr(row) for (table,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
                for row in conn.execute(f"SELECT * FROM {table}")))
    finally:
        store.close()


def _rows(out: Path) -> list[dict]:
    return [row for shard in manifests.load(out).shards
            for row in pq.read_table(out / shard.name).to_pylist()]


def test_needs_a_user_before_any_work(tmp_path):
    assert hntai(tmp_path / "data", "init", "--admin", "admin").returncode == 0
    refused = hntai(tmp_path / "data", "archive", str(tmp_path), "--out",
                    str(tmp_path / "out"), "--into-store")
    assert refused.returncode == 2 and "AUTH_FAILED" in refused.stderr
    assert not (tmp_path / "out" / manifests.MANIFEST).exists()


def test_documents_read_back_as_the_output_has_them(loaded):
    first, second = loaded["runs"]
    assert (first["processed"], first["failed"], first["loaded"]) == (3, 1, 3)
    assert (second["loaded"], second["already_loaded"]) == (0, 3)  # nothing twice
    rows = {row["id"]: row for row in _rows(loaded["out"]) if row["status"] == "processed"}
    file_hashes = {hashlib.sha256((loaded["inputs"] / n).read_bytes()).hexdigest()
                   for n in NOTES}
    assert {row["sha256"] for row in rows.values()} == file_hashes
    with EngineClient(loaded["data_dir"]) as engine:  # the engine's own read path
        engine.request(p.Unlock(username="admin", password=PASSWORD))
        listed = engine.request(p.ListRecords())
        docs = engine.request(p.ListDocuments())
        contents = {d.record_id: engine.request(p.GetDocument(document_id=d.id)) for d in docs}
    run_id = first["run_id"]
    assert len(listed) == len(docs) == 3  # one record per document, none from the bad file
    assert all(r.document_count == 1 and r.label == f"archive {run_id}" for r in listed)
    assert {d.source_name for d in docs} == {"document 1 (text)"}
    assert {d.sha256 for d in docs} == file_hashes
    key = _stored(loaded["data_dir"], run_id).key
    for row_id, row in rows.items():
        content = contents[record_id(key, row_id)]
        assert content.scrubbed_text == row["scrubbed_text"]
        assert content.phi_spans == p.PhiSpans.from_plain(row["phi_spans"])
        assert content.pages == tuple(map(p.Page.from_plain, json.loads(row["pages"])))
        assert content.extraction == p.Extraction.from_plain(json.loads(row["entities"]))
        assert (content.meta.mime, content.meta.size_bytes) == (row["mime"], row["size_bytes"])




def test_run_key_moves_into_the_store_only(loaded):
    run_id = loaded["runs"][0]["run_id"]
    view = _stored(loaded["data_dir"], run_id)
    assert view.key is not None and len(view.key) == keys.KEY_BYTES
    assert view.secrets == {view.key}  # every loaded record's surrogates are the run's
    assert not keys.key_path(loaded["data_dir"], run_id).exists()  # the plain file is gone
    secrets = (view.key, view.key.hex().encode(), view.key.hex().upper().encode())
    on_disk = [f for folder in (loaded["out"], loaded["data_dir"])
               for f in folder.rglob("*") if f.is_file()]
    assert any(f.parent.name == "logs" for f in on_disk)  # the engine's logs are among them
    for path in on_disk:  # the store file is encrypted: no plain copy of the key anywhere
        data = path.read_bytes()
        assert not any(s in data for s in secrets), path.name
    audit_text = json.dumps(view.audit)
    assert view.key.hex() not in audit_text.lower()


def test_one_audit_entry_per_load_without_phi(loaded):
    first = loaded["runs"][0]
    view = _stored(loaded["data_dir"], first["run_id"])
    entries = [json.loads(data) for action, data in view.audit if action == ACTION]
    assert [e["loaded"] for e in entries] == [3, 0]
    digest = hashlib.sha256((loaded["out"] / manifests.MANIFEST).read_bytes()).hexdigest()
    assert entries[-1]["manifest_sha256"] == digest
    assert {e["run_id"] for e in entries} == {first["run_id"]} and entries[0]["failed"] == 1
    assert hntai(loaded["data_dir"], "--user", "admin", "audit", "verify").returncode == 0


def test_surrogates_agree_with_the_output_and_no_phi_in_the_store(loaded):
    view = _stored(loaded["data_dir"], loaded["runs"][0]["run_id"])
    assert not any(marker in view.dump for marker in MARKERS)
    assert not any(Path(name).stem in view.dump for name in NOTES)
    # a scrub under the record's secret (as `hntai process` would add to the record) makes
    # the same surrogates as the run did
    scrubber = Scrubber(ScrubPolicy.SURROGATE, record_secret=next(iter(view.secrets)),
                        site=site_lexicon.build((), ("admin",)))
    texts = {row["scrubbed_text"] for row in _rows(loaded["out"]) if row["scrubbed_text"]}
    assert {scrubber.scrub(text).text for text in NOTES.values()} == texts


def test_a_partial_load_is_finished_without_twins(loaded):
    """Last in the module: a store holding only part of the run (as if an earlier load of
    it had stopped half-way) gets the rest, and what it had stays single."""
    data_dir, out = loaded["data_dir"], loaded["out"]
    manifest = manifests.load(out)
    store = unlock(data_dir, "admin", PASSWORD)
    try:
        key = keys.stored_key(store.db.conn, manifest.run_id)
        gone = record_id(key, next(r["id"] for r in _rows(out) if r["status"] == "processed"))
        with store.db.transaction() as conn:
            conn.execute("DELETE FROM documents WHERE record_id = ?", (gone,))
            conn.execute("DELETE FROM records WHERE id = ?", (gone,))
        digest = hashlib.sha256((out / manifests.MANIFEST).read_bytes()).hexdigest()
        result = load_run(store, data_dir, out, manifest, key, digest)
        counts = store.db.query("SELECT count(*), count(DISTINCT record_id) FROM documents")
    finally:
        store.close()
    assert (result.loaded, result.already, result.failed) == (1, 2, 1)
    assert counts == [(3, 3)]
