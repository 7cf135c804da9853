"""Archive mode's guards: which Ray addresses may be used, the policy key that widens them,
the scrub policy the machine fixes, and that the engine's normal imports never load Ray."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine.archive.cluster import address_host, check_address, remove_stale
from engine.archive.command import scrub_policy
from engine.errors import InvalidConfig, InvalidRequest, PermissionDenied
from engine.policy import MachinePolicy, parse_policy

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("address", [None, "auto", "ray://127.0.0.1:10001", "localhost:6379",
                                     "ray://[::1]:10001", "127.0.0.5:6379"])
def test_local_addresses_are_allowed(address):
    check_address(address, ())


@pytest.mark.parametrize("address", ["ray://10.1.2.3:10001", "10.1.2.3:6379",
                                     "ray://ray-head.hospital.org:10001"])
def test_other_addresses_are_refused_without_policy(address):
    with pytest.raises(PermissionDenied) as refused:
        check_address(address, ())
    assert refused.value.details == {"key": "cluster.allowed_addresses"}
    assert address_host(address) not in refused.value.message


@pytest.mark.parametrize(("address", "allowed"), [
    ("ray://10.1.2.3:10001", ("ray://10.1.2.3:10001",)),
    ("ray://10.1.2.3:10001", ("10.1.2.3",)),
    ("10.1.2.3:6379", ("10.1.2.3:6379",)),
])
def test_policy_listed_addresses_are_allowed(address, allowed):
    check_address(address, allowed)


def test_listed_host_does_not_allow_another():
    with pytest.raises(PermissionDenied):
        check_address("ray://10.1.2.4:10001", ("ray://10.1.2.3:10001", "10.1.2.3"))


def test_malformed_address():
    with pytest.raises(InvalidRequest):
        check_address("ray://:10001", ())


def test_policy_key_parses_and_validates():
    policy = parse_policy({"cluster": {"allowed_addresses": ["ray://10.1.2.3:10001"]}})
    assert policy.cluster_addresses == ("ray://10.1.2.3:10001",)
    assert MachinePolicy().cluster_addresses == ()
    for bad in ({"allowed_addresses": "ray://10.1.2.3:10001"}, {"allowed_addresses": [""]},
                {"allowed_addresses": [3]}, {"addresses": []}):
        with pytest.raises(InvalidConfig) as refused:
            parse_policy({"cluster": bad})
        assert refused.value.details["key"].startswith("cluster.")


def test_machine_policy_fixes_the_scrub_policy():
    fixed = MachinePolicy(scrub_policy="safe_harbor")
    assert scrub_policy(None, fixed) == "safe_harbor"
    assert scrub_policy("safe_harbor", fixed) == "safe_harbor"
    with pytest.raises(PermissionDenied):
        scrub_policy("surrogate", fixed)
    assert scrub_policy(None, MachinePolicy()) == "surrogate"
    assert scrub_policy("redact", MachinePolicy()) == "redact"


def test_stale_ray_folders_of_dead_drivers_are_removed(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    gone = tmp_path / f"hr{dead.stdout.strip()}-abc"
    live = tmp_path / f"hr{os.getpid()}-abc"
    other = tmp_path / "hrx-abc"
    for folder in (gone, live, other):
        (folder / "r").mkdir(parents=True)
    remove_stale(tmp_path)
    assert not gone.exists() and live.exists() and other.exists()


def test_engine_imports_do_not_load_ray_or_pyarrow():
    code = ("import sys, engine.cli, engine.service, engine.client\n"
            "engine.cli.build_parser().parse_args(['archive', 'x', '--out', 'y'])\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('ray', 'pyarrow')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.stdout.strip() == "[]"
