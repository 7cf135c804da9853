"""``hntai archive INPUT --out DIR``: the command's arguments and its run.

Light at import (the CLI builds its parser from here): Ray and pyarrow load only when a run
starts. With a user (``--user`` or HNTAI_USER) and a store on this machine, the run takes the
store's settings (site lexicon, staff names, extraction limits) and ends as one entry in
its hash-chained audit log: who, how many inputs, the manifest's hash, errors by code.
``--into-store`` then loads the run's documents into that store (engine/archive/into_store.py).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from engine.errors import AuthFailed, HntaiError, InvalidRequest, PermissionDenied
from engine.policy import SCRUB_POLICIES, MachinePolicy, machine_policy
from engine.protocol import ScrubPolicy

EXIT_OK, EXIT_FAILED = 0, 1
PasswordFn = Callable[[str], str]


def add_arguments(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("input", metavar="INPUT",
                     help='a folder, or a manifest: .csv of paths, or .jsonl lines {"path"} '
                          'or {"id", "text"}')
    cmd.add_argument("--out", required=True, metavar="DIR",
                     help="the output folder (Parquet shards and manifest.json); run again "
                          "with the same folder to resume")
    cmd.add_argument("--ray-address", default=None, metavar="ADDRESS",
                     help="an existing Ray cluster: auto, or ray://host:port (default: a "
                          "local Ray on this machine's cores)")
    cmd.add_argument("--num-cpus", type=int, default=None,
                     help="CPUs of the local Ray (default: all)")
    cmd.add_argument("--policy", choices=SCRUB_POLICIES, default=None,
                     help="scrub policy (default: the machine's, else surrogate)")
    cmd.add_argument("--site-lexicon", metavar="FILE", default=None,
                     help="the site's own names to remove as well (as `hntai scrub`)")
    cmd.add_argument("--shard-rows", type=int, default=1000,
                     help="rows per Parquet shard (a shard is the unit of resume)")
    cmd.add_argument("--into-store", action="store_true",
                     help="when the run is complete, load its documents into the store of "
                          "this machine (one record per document; needs a user)")


def scrub_policy(requested: str | None, policy: MachinePolicy) -> str:
    if policy.scrub_policy and requested and requested != policy.scrub_policy:
        raise PermissionDenied("the machine policy fixes the scrub policy",
                               {"key": "privacy.scrub_policy"})
    return requested or policy.scrub_policy or ScrubPolicy.SURROGATE.value


def _login(args: argparse.Namespace, data_dir: Path, password: PasswordFn):
    """The unlocked store when a user is named and a store exists here, else None."""
    from engine.store import store_exists, unlock

    user = args.user or os.environ.get("HNTAI_USER")
    if not user or not store_exists(data_dir):
        return None
    return unlock(data_dir, user, password(f"Password for {user}: "))


def _run_key(data_dir: Path, run_id: str, store) -> bytes:
    """A resumed run's key: its file, or the store's copy once the run was loaded."""
    from engine.archive import keys

    if store is None:
        return keys.load_key(data_dir, run_id)
    with store.db.locked() as conn:
        return keys.load_key(data_dir, run_id, conn)


def _audit(store, result: dict[str, Any], status: str, error: str | None) -> None:
    from engine.store import audit

    with store.db.transaction() as conn:
        audit.append(conn, audit.AuditEvent(
            "archive.run", user_id=store.session.username, resource_type="archive",
            resource_id=result.get("run_id"), phi_accessed=True, request_data=result,
            response_status=status, error_message=error))


def run(args: argparse.Namespace, data_dir: Path, password: PasswordFn) -> int:
    from engine.archive import keys
    from engine.archive import manifest as manifests
    from engine.archive.cluster import ClusterOptions, ray_session
    from engine.archive.inputs import list_inputs
    from engine.archive.into_store import load_run
    from engine.archive.progress import ArchiveProgress
    from engine.archive.run import RunOptions, run_archive
    from engine.archive.stage import StageConfig
    from engine.clock import utc_now_iso
    from engine.documents import ExtractionLimits
    from engine.pipeline import PipelineSettings
    from engine.store import settings as store_settings
    from engine.store import users

    if args.shard_rows < 1 or (args.num_cpus is not None and args.num_cpus < 1):
        raise InvalidRequest("--shard-rows and --num-cpus must be 1 or more")
    policy = machine_policy()
    out = Path(args.out).expanduser().resolve()
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    manifest = manifests.load(out)
    scrub = scrub_policy(args.policy, policy)
    if manifest is not None and args.policy and args.policy != manifest.policy:
        raise InvalidRequest("this output was started under another scrub policy",
                             {"policy": manifest.policy})
    with ExitStack() as stack:
        store = _login(args, data_dir, password)
        if store is not None:
            stack.callback(store.close)
        elif args.into_store:
            raise AuthFailed("--into-store needs the store of this machine and a user: "
                             "name one with --user or HNTAI_USER")
        if manifest is None:
            run_id = keys.new_run_id()
            key = keys.create_key(data_dir, run_id)
            manifest = manifests.ArchiveManifest(run_id=run_id, policy=scrub, inputs=0,
                                                 started_at=utc_now_iso())
            manifests.save(out, manifest)
        else:
            key = _run_key(data_dir, manifest.run_id, store)
        lexicons = [str(p) for p in (policy.site_lexicon, args.site_lexicon) if p]
        staff: tuple[str, ...] = ()
        limits = ExtractionLimits()
        if store is not None:  # the store's settings, as `hntai process` would use them
            with store.db.locked() as conn:
                lexicons.append(str(store_settings.get(conn, "phi.site_lexicon") or ""))
                staff = tuple(u.username for u in users.list_all(conn))
                limits = PipelineSettings.from_store(conn).limits
        config = StageConfig(policy=manifest.policy, secret=key,
                             site_lexicons=tuple(p for p in lexicons if p), staff_names=staff,
                             limits=limits, data_dir=str(data_dir))
        items = list_inputs(Path(args.input), key)
        if not items:
            raise InvalidRequest("the archive input holds no documents")
        summary: dict[str, Any] = {"run_id": manifest.run_id, "inputs": len(items),
                                   "cluster": "local" if args.ray_address is None else "remote"}
        progress = ArchiveProgress(sys.stdout if args.json else sys.stderr, args.json)
        show = progress.update if args.json or sys.stderr.isatty() else None
        try:
            with ray_session(ClusterOptions(args.ray_address, args.num_cpus,
                                            policy.cluster_addresses)) as session:
                result = run_archive(items, out, config, manifest, session.cpus,
                                     RunOptions(shard_rows=args.shard_rows), show)
            progress.finish()
        except HntaiError as exc:
            if store is not None:
                _audit(store, summary, "failure", exc.code.value)
            raise
        done = result.manifest
        summary.update(processed=done.processed, failed=done.failed,
                       errors_by_code=done.errors_by_code,
                       manifest_sha256=result.manifest_sha256, resumed=result.resumed,
                       network_blocked=len(session.blocked))
        if store is not None:
            _audit(store, summary, "success", None)
        if args.into_store:
            loaded = load_run(store, data_dir, out, done, key, result.manifest_sha256)
            summary.update(loaded=loaded.loaded, already_loaded=loaded.already)
    if args.json:
        print(json.dumps({"event": "finished", "out": str(out), "seconds":
                          round(result.seconds, 2), **summary}, sort_keys=True), flush=True)
    else:
        print(f"{done.processed} processed, {done.failed} failed of {len(items)} "
              f"({result.resumed} already done) in {result.seconds:.1f} s -> {out}")
        for code, count in done.errors_by_code.items():
            print(f"  {code}: {count}")
        if args.into_store:
            print(f"{summary['loaded']} documents loaded into the store "
                  f"({summary['already_loaded']} were there already)")
    return EXIT_FAILED if done.failed else EXIT_OK
