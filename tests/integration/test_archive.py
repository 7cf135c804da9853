"""`hntai archive` on a real Ray: the same results as `hntai process`, a two-node cluster,
a worker killed mid-run, a driver killed and resumed, and nothing readable left in Ray's
files. One local Ray (2 CPUs) serves the tests that run in this process."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pyarrow.parquet as pq
import pytest

from engine.archive import keys
from engine.archive import manifest as manifests
from engine.archive.cluster import ClusterOptions, address_host, ray_session
from engine.archive.inputs import list_inputs
from engine.archive.run import RunOptions, run_archive
from engine.archive.stage import StageConfig
from engine.store import documents, records, unlock, users

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "archive admin password"
# Identifiers every note carries: none may survive into the output or Ray's own files.
MARKERS = ("MRN 58213094", "(617) 555-0143", "Quintavious Marblethorpe")


def hntai(data_dir: Path, *args: str, env_extra: dict | None = None, **popen
          ) -> subprocess.CompletedProcess | subprocess.Popen:
    env = {**os.environ, "HNTAI_DATA_DIR": str(data_dir), "HNTAI_PASSWORD": PASSWORD,
           "PYTHONPATH": str(ROOT), **(env_extra or {})}
    env.pop("HNTAI_USER", None)
    command = [sys.executable, "-m", "engine.cli", *args]
    if popen:
        return subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, **popen)
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=900,
                          stdin=subprocess.DEVNULL)


def write_notes(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(count):
            text = (f"Clinic note {i}. Patient Quintavious Marblethorpe, MRN 58213094, phone "
                    f"(617) 555-0143, seen on 03/{i % 28 + 1:02d}/2019 for type 2 diabetes. "
                    f"Started metformin 500 mg twice daily. Denies chest pain. BP {110 + i % 30}"
                    f"/80.")
            fh.write(json.dumps({"id": f"note-{i:05d}", "text": text}) + "\n")
    return path


@pytest.fixture(scope="module")
def local_ray():
    with ray_session(ClusterOptions(num_cpus=2)) as session:
        yield session


def start_run(out: Path, data_dir: Path, policy: str = "surrogate") -> tuple:
    out.mkdir(parents=True, exist_ok=True)
    run_id = keys.new_run_id()
    key = keys.create_key(data_dir, run_id)
    manifest = manifests.ArchiveManifest(run_id=run_id, policy=policy, inputs=0,
                                         started_at="2026-01-01T00:00:00Z")
    return key, manifest


def rows_of(out: Path) -> list[dict]:
    manifest = manifests.load(out)
    return [row for shard in manifest.shards
            for row in pq.read_table(out / shard.name).to_pylist()]


def test_eval_documents_match_hntai_process(local_ray, eval_dir, tmp_path):
    docs = eval_dir / "documents"
    data_dir = tmp_path / "data"
    assert hntai(data_dir, "init", "--admin", "admin").returncode == 0
    processed = hntai(data_dir, "--user", "admin", "process", "--json", "--one-record",
                      str(docs))
    assert processed.returncode == 1, processed.stderr  # some of the set are bad on purpose
    by_file = {Path(r["file"]).resolve(): r for r in map(json.loads,
                                                         processed.stdout.splitlines())}
    store = unlock(data_dir, "admin", PASSWORD)
    try:
        conn = store.db.conn
        record_id = next(r["record_id"] for r in by_file.values() if r["record_id"])
        secret = records.get(conn, record_id).secret
        staff = tuple(u.username for u in users.list_all(conn))
        stored = {doc["document_id"]: documents.get_content(conn, doc["document_id"])
                  for doc in by_file.values() if doc["document_id"]}
    finally:
        store.close()
    # The record's key as the run key: the same surrogates are then expected everywhere.
    out = tmp_path / "out"
    out.mkdir()
    manifest = manifests.ArchiveManifest(run_id="eval", policy="surrogate", inputs=0,
                                         started_at="2026-01-01T00:00:00Z")
    items = list_inputs(docs, secret)
    config = StageConfig(policy="surrogate", secret=secret, staff_names=staff,
                         data_dir=str(data_dir))
    result = run_archive(items, out, config, manifest, local_ray.cpus,
                         RunOptions(shard_rows=10))
    assert result.manifest.status == manifests.COMPLETE
    rows = {row["id"]: row for row in rows_of(out)}
    assert len(rows) == len(items) == len(by_file)
    good = bad = 0
    for item in items:
        row, expected = rows[item.id], by_file[Path(item.path).resolve()]
        if expected["status"] == "succeeded":
            good += 1
            content = stored[expected["document_id"]]
            assert row["status"] == "processed" and row["error_code"] is None
            assert row["scrubbed_text"] == content.scrubbed_text
            assert row["phi_spans"] == [dict(s) for s in content.phi_spans]
            assert json.loads(row["entities"]) == content.extraction
            assert json.loads(row["pages"]) == list(content.pages)
            assert row["kind"] == content.meta.kind
            assert (row["page_count"], row["ocr_pages"]) == (content.meta.page_count,
                                                             content.meta.ocr_pages)
        else:
            bad += 1
            assert (row["status"], row["error_code"]) == ("failed", expected["error"]["code"])
    assert good >= 20 and bad >= 5  # both sides of the set were compared
    assert result.manifest.failed == bad and result.manifest.processed == good
    # no path in the output, and no file name outside the documents' own (scrubbed) text
    written = b"".join(p.read_bytes() for p in out.iterdir())
    assert str(docs).encode() not in written
    labels = (out / manifests.MANIFEST).read_text() + json.dumps(
        [[r["id"], r["source_hash"], r["kind"]] for r in rows.values()])
    assert not any(Path(i.path).stem in labels for i in items)


def _actor_processes(session) -> list[psutil.Process]:
    raylets = [p for p in psutil.process_iter(["cmdline"])
               if any("raylet" in part for part in (p.info["cmdline"] or ())[:1])
               and str(session.temp_dir) in " ".join(p.info["cmdline"] or ())]
    return [child for raylet in raylets for child in raylet.children(recursive=True)
            if "ArchiveWorker" in " ".join(child.cmdline())]


def test_worker_killed_mid_run_still_one_row_per_input(local_ray, tmp_path):
    notes = write_notes(tmp_path / "notes.jsonl", 400)
    key, manifest = start_run(tmp_path / "out", tmp_path / "data")
    items = list_inputs(notes, key)
    killed: list[int] = []

    def kill_one(done: int, total: int) -> None:
        if done >= 48 and not killed:
            victim = _actor_processes(local_ray)[0]
            killed.append(victim.pid)
            victim.kill()

    result = run_archive(items, tmp_path / "out", StageConfig(policy="surrogate", secret=key),
                         manifest, local_ray.cpus, RunOptions(shard_rows=50, batch_size=16),
                         kill_one)
    assert killed, "no worker was killed"
    ids = [row["id"] for row in rows_of(tmp_path / "out")]
    assert sorted(ids) == sorted(i.id for i in items)  # every input once, none twice
    assert result.manifest.processed == 400 and result.manifest.status == manifests.COMPLETE


def test_surrogates_agree_across_workers_and_no_phi_left(local_ray, tmp_path):
    notes = write_notes(tmp_path / "notes.jsonl", 200)
    key, manifest = start_run(tmp_path / "out", tmp_path / "data")
    run_archive(list_inputs(notes, key), tmp_path / "out",
                StageConfig(policy="surrogate", secret=key), manifest, local_ray.cpus,
                RunOptions(shard_rows=40, batch_size=8))
    rows = rows_of(tmp_path / "out")
    # the same patient name gets one fake in every row, whichever worker scrubbed it
    fakes = {row["scrubbed_text"].split("Patient ", 1)[1].split(",", 1)[0] for row in rows}
    assert len(fakes) == 1 and "Marblethorpe" not in fakes.pop()
    text = "\n".join(row["scrubbed_text"] for row in rows)
    assert not any(marker in text for marker in MARKERS)
    assert all(json.loads(row["entities"])["entities"] for row in rows)


def test_two_node_cluster_completes(tmp_path):
    from ray.cluster_utils import Cluster

    notes = write_notes(tmp_path / "notes.jsonl", 120)
    cluster = Cluster(initialize_head=True, connect=False,
                      head_node_args={"num_cpus": 1, "include_dashboard": False})
    try:
        cluster.add_node(num_cpus=1)
        cluster.wait_for_nodes()
        args = ("archive", str(notes), "--out", str(tmp_path / "out"), "--ray-address",
                cluster.address, "--json")
        refused = hntai(tmp_path / "data", *args)
        if not address_host(cluster.address).startswith("127."):  # the node's own address
            assert refused.returncode == 2 and "PERMISSION_DENIED" in refused.stderr
        policy = tmp_path / "policy.toml"  # IT lists the cluster: now it may be used
        policy.write_text(f'[cluster]\nallowed_addresses = ["{cluster.address}"]\n')
        out = hntai(tmp_path / "data", *args, env_extra={"HNTAI_POLICY": str(policy)})
    finally:
        cluster.shutdown()
    assert out.returncode == 0, out.stderr[-2000:]
    finished = json.loads(out.stdout.splitlines()[-1])
    assert finished["processed"] == 120 and finished["network_blocked"] == 0
    assert len({row["id"] for row in rows_of(tmp_path / "out")}) == 120


def test_killed_driver_rerun_resumes_and_is_audited(tmp_path):
    notes = write_notes(tmp_path / "notes.jsonl", 600)
    out = tmp_path / "out"
    assert hntai(tmp_path / "data", "init", "--admin", "admin").returncode == 0
    args = ("--user", "admin", "archive", str(notes), "--out", str(out), "--num-cpus", "2",
            "--shard-rows", "20", "--json")
    driver = hntai(tmp_path / "data", *args, stdout=subprocess.PIPE,
                   stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    for line in driver.stdout:  # until some shards are committed, then kill it
        event = json.loads(line)
        if event.get("done", 0) >= 60 and (manifests.load(out) or
                                           manifests.ArchiveManifest("", "", 0, "")).shards:
            break
    os.killpg(driver.pid, signal.SIGKILL)
    driver.wait()
    left = manifests.load(out)
    assert left.status == manifests.RUNNING and 0 < left.rows < 600
    ray_dirs = list(Path("/tmp").glob(f"hr{driver.pid}-*"))
    rerun = hntai(tmp_path / "data", *args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                  text=True)
    stdout, stderr = rerun.communicate(timeout=900)
    assert rerun.returncode == 0, stderr[-2000:]
    finished = json.loads(stdout.splitlines()[-1])
    assert finished["resumed"] >= left.rows and finished["processed"] == 600
    ids = [row["id"] for row in rows_of(out)]
    assert len(ids) == len(set(ids)) == 600
    assert ray_dirs and not any(d.exists() for d in ray_dirs)  # the killed run's are gone
    # and the finished run's too (by its pid: another Ray run on the machine has its own)
    assert not list(Path("/tmp").glob(f"hr{rerun.pid}-*"))
    store = unlock(tmp_path / "data", "admin", PASSWORD)
    try:
        [entry] = [json.loads(row[0]) for row in store.db.query(
            "SELECT request_data FROM audit_log WHERE action = 'archive.run'")]
    finally:
        store.close()
    digest = hashlib.sha256((out / manifests.MANIFEST).read_bytes()).hexdigest()
    assert entry["manifest_sha256"] == finished["manifest_sha256"] == digest
    assert (entry["inputs"], entry["processed"], entry["errors_by_code"]) == (600, 600, {})
    assert not any(m in json.dumps(entry) for m in MARKERS) and str(notes) not in str(entry)
    assert hntai(tmp_path / "data", "--user", "admin", "audit", "verify").returncode == 0


def test_ray_files_hold_no_phi_and_no_network(local_ray):
    """Last in the module: Ray's session folder after every run above, before removal."""
    assert local_ray.blocked == []
    assert oct(local_ray.temp_dir.stat().st_mode & 0o777) == "0o700"
    for path in local_ray.temp_dir.rglob("*"):
        if path.is_file() and not path.is_socket():
            data = path.read_bytes()
            assert not any(m.encode() in data for m in MARKERS), path.name
