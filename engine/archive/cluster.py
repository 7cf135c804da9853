"""Ray for an archive run, air-gapped: a local Ray started for the run, or an existing
cluster the machine policy allows.

Usage statistics are off before Ray is imported, there is no dashboard, the local node
listens on loopback only, and every file Ray writes (session logs, sockets, spilled
objects) lives in a fresh 0700 folder under the temp directory that is removed when the run
ends. The folder name is short because Ray's Unix socket paths must stay under ~107 bytes;
it carries the driver's pid so that a later run can remove what a killed one left.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from engine import airgap
from engine.errors import InvalidConfig, InvalidRequest, PermissionDenied

RAY_ENV = {"RAY_USAGE_STATS_ENABLED": "0", "RAY_USAGE_STATS_PROMPT_ENABLED": "0"}
TEMP_PREFIX = "hr"
LOCAL_OBJECT_STORE_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class ClusterOptions:
    address: str | None = None  # None: a local Ray for this run; "auto"; "ray://host:port"
    num_cpus: int | None = None  # a local Ray's CPUs (default: all of this machine's)
    allowed_addresses: tuple[str, ...] = ()  # the machine policy's cluster.allowed_addresses


@dataclass
class RaySession:
    temp_dir: Path | None  # a local run's Ray folder (None on an existing cluster)
    cpus: int
    blocked: list[str] = field(default_factory=list)  # air-gap events seen during the run


def address_host(address: str) -> str:
    split = urlsplit(address if "://" in address else f"ray://{address}")
    if not split.hostname:
        raise InvalidRequest("the Ray address must be auto, host:port or ray://host:port")
    return split.hostname


def check_address(address: str | None, allowed: tuple[str, ...]) -> None:
    """A cluster elsewhere is reached only when the machine policy lists it."""
    if address is None or address == "auto":  # "auto": a cluster this machine has joined
        return
    host = address_host(address)
    if airgap.is_loopback(host) or address in allowed or host in allowed:
        return
    raise PermissionDenied("the Ray address is not on this machine and the machine policy "
                           "does not allow it", {"key": "cluster.allowed_addresses"})


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(root: Path) -> None:
    """Remove the Ray folders of this user's runs whose driver is gone (killed runs)."""
    for folder in root.glob(f"{TEMP_PREFIX}*-*"):
        pid = folder.name[len(TEMP_PREFIX):].split("-", 1)[0]
        with contextlib.suppress(OSError):
            if pid.isdigit() and folder.stat().st_uid == os.getuid() and not _alive(int(pid)):
                shutil.rmtree(folder, ignore_errors=True)


def _temp_root() -> Path:
    return Path("/tmp") if Path("/tmp").is_dir() else Path(tempfile.gettempdir())


@contextlib.contextmanager
def ray_session(options: ClusterOptions) -> Iterator[RaySession]:
    """Ray connected (or started) for the length of the block, then shut down and cleaned."""
    check_address(options.address, options.allowed_addresses)
    os.environ.update(RAY_ENV)
    session = RaySession(temp_dir=None, cpus=0)
    airgap.install(session.blocked.append)
    try:
        import ray  # only an archive run loads Ray
    except ImportError:
        raise InvalidConfig("archive mode needs Ray: install HNTAI with its [cluster] "
                            "extra") from None

    kwargs = {"include_dashboard": False, "log_to_driver": False,
              "logging_level": "WARNING", "configure_logging": False}
    if options.address is None:
        root = _temp_root()
        remove_stale(root)
        session.temp_dir = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-",
                                                 dir=root))  # mode 0700
        # Ray opens its own temp folder to everyone (0777): it goes one level down.
        kwargs.update(num_cpus=options.num_cpus or os.cpu_count() or 1,
                      _temp_dir=str(session.temp_dir / "r"), _node_ip_address="127.0.0.1",
                      object_store_memory=LOCAL_OBJECT_STORE_BYTES,
                      object_spilling_directory=str(session.temp_dir / "spill"))
    else:
        kwargs["address"] = options.address
    try:
        ray.init(**kwargs)
        session.cpus = int(ray.cluster_resources().get("CPU", 1))
        yield session
    finally:
        ray.shutdown()
        if session.temp_dir is not None:
            shutil.rmtree(session.temp_dir, ignore_errors=True)
