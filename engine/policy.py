"""The machine policy IT sets for a workstation (``policy.toml``), above every user setting.

Looked for at ``HNTAI_POLICY`` (a path; it must exist when set), else ``/etc/hntai/policy.toml``
on Linux, ``%ProgramData%\\HNTAI\\policy.toml`` on Windows and
``/Library/Application Support/HNTAI/policy.toml`` on macOS. No file means no policy.

Every key is optional; an unknown or mistyped key is an error that names it, because a
misspelt policy that is silently ignored is a policy that is not enforced::

    [storage]
    data_dir = "/var/lib/hntai/data"   # the default data directory
    retention_days = 365               # setting retention.days (0 = keep)

    [privacy]
    scrub_policy = "safe_harbor"       # setting scrub.policy

    [phi]
    site_lexicon = "/etc/hntai/site_lexicon.tsv"   # setting phi.site_lexicon: the site's
                                                    # facility, ward, town and staff names

    [security]
    idle_lock_minutes = 5              # setting security.idle_lock_minutes
    allowed_roles = ["admin", "clinician"]   # roles that may act on this workstation

    [models]
    dirs = ["/srv/hntai/models"]       # replace the searched model directories
    [models.tasks]
    summary = ["phi-3-mini-4k-instruct-q4", "extractive"]   # the chain per task

    [memory]
    max_memory_fraction = 0.6
    max_loaded_models = 1

    [cluster]
    allowed_addresses = ["ray://10.1.2.3:10001"]   # Ray clusters `hntai archive` may use
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import InvalidConfig, InvalidRequest, PermissionDenied
from engine.protocol import SETTINGS_SCHEMA, Role, ScrubPolicy

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

# The plain values of engine.protocol's vocabulary, for command-line choices and messages
# (argparse would show the members' reprs).
ROLES = tuple(role.value for role in Role)
SCRUB_POLICIES = tuple(policy.value for policy in ScrubPolicy)


@dataclass(frozen=True)
class MachinePolicy:
    source: Path | None = None  # the file it came from; None: no policy on this machine
    data_dir: Path | None = None
    retention_days: int | None = None
    scrub_policy: str | None = None
    site_lexicon: Path | None = None
    idle_lock_minutes: int | None = None
    allowed_roles: tuple[str, ...] | None = None
    model_dirs: tuple[Path, ...] = ()
    models_per_task: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    max_memory_fraction: float | None = None
    max_loaded_models: int | None = None
    cluster_addresses: tuple[str, ...] = ()

    def fixed_settings(self) -> dict[str, Any]:
        """The store settings this policy fixes, by setting key."""
        fixed = {"retention.days": self.retention_days, "scrub.policy": self.scrub_policy,
                 "security.idle_lock_minutes": self.idle_lock_minutes,
                 "phi.site_lexicon": str(self.site_lexicon) if self.site_lexicon else None}
        return {key: value for key, value in fixed.items() if value is not None}

    def check_role(self, role: str) -> None:
        if self.allowed_roles is not None and role not in self.allowed_roles:
            raise PermissionDenied("the machine policy does not allow this role here",
                                   {"role": role, "policy": str(self.source),
                                    "key": "security.allowed_roles"})


# section -> key -> (types accepted, MachinePolicy field)
_SCHEMA: Mapping[str, Mapping[str, tuple[tuple[type, ...], str]]] = {
    "storage": {"data_dir": ((str,), "data_dir"), "retention_days": ((int,), "retention_days")},
    "privacy": {"scrub_policy": ((str,), "scrub_policy")},
    "phi": {"site_lexicon": ((str,), "site_lexicon")},
    "security": {"idle_lock_minutes": ((int,), "idle_lock_minutes"),
                 "allowed_roles": ((list,), "allowed_roles")},
    "models": {"dirs": ((list,), "model_dirs"), "tasks": ((dict,), "models_per_task")},
    "memory": {"max_memory_fraction": ((int, float), "max_memory_fraction"),
               "max_loaded_models": ((int,), "max_loaded_models")},
    "cluster": {"allowed_addresses": ((list,), "cluster_addresses")},
}


def policy_path() -> Path:
    if env := os.environ.get("HNTAI_POLICY"):
        return Path(env).expanduser()
    if sys.platform == "win32":
        return Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / "HNTAI" / "policy.toml"
    if sys.platform == "darwin":
        return Path("/Library/Application Support/HNTAI/policy.toml")
    return Path("/etc/hntai/policy.toml")


def machine_policy() -> MachinePolicy:
    """The policy in force, re-read only when its file changes."""
    path = policy_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        if os.environ.get("HNTAI_POLICY"):
            raise InvalidConfig("HNTAI_POLICY names a file that does not exist",
                                {"path": str(path), "key": "HNTAI_POLICY"}) from None
        return MachinePolicy()
    return _load_cached(str(path), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _load_cached(path: str, size: int, mtime_ns: int) -> MachinePolicy:
    return load_policy(Path(path))


def load_policy(path: Path) -> MachinePolicy:
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InvalidConfig("the machine policy is not valid TOML",
                            {"path": str(path), "error": str(exc)}) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidConfig("the machine policy cannot be read",
                            {"path": str(path), "error": type(exc).__name__}) from None
    return parse_policy(raw, path)


# Policy keys that fix a store setting (MachinePolicy.fixed_settings), checked by its schema.
_FIXES_SETTING = {"storage.retention_days": "retention.days",
                  "privacy.scrub_policy": "scrub.policy",
                  "security.idle_lock_minutes": "security.idle_lock_minutes"}


def _bad(key: str, why: str, path: Path | None) -> InvalidConfig:
    return InvalidConfig(f"policy key {key} {why}", {"key": key, "path": str(path)})


def parse_policy(raw: Mapping[str, Any], source: Path | None = None) -> MachinePolicy:
    values: dict[str, Any] = {}
    for section, body in raw.items():
        keys = _SCHEMA.get(section)
        if keys is None:
            raise _bad(section, "is not a policy section", source)
        if not isinstance(body, dict):
            raise _bad(section, "must be a table", source)
        for key, value in body.items():
            name = f"{section}.{key}"
            if key not in keys:
                raise _bad(name, "is not a policy key", source)
            kinds, attr = keys[key]
            if isinstance(value, bool) or not isinstance(value, kinds):
                raise _bad(name, "has the wrong type", source)
            values[attr] = _checked(name, value, source)
    return MachinePolicy(source=source, **values)


def _checked(name: str, value: Any, source: Path | None) -> Any:
    """One value, validated and converted to its MachinePolicy form."""
    if name in ("storage.data_dir", "phi.site_lexicon"):
        if not Path(value).is_absolute():
            raise _bad(name, "must be an absolute path", source)
        return Path(value)
    if name in _FIXES_SETTING:  # what a user may not store, the policy may not fix either
        spec = SETTINGS_SCHEMA[_FIXES_SETTING[name]]
        try:
            spec.check(value)
        except InvalidRequest:
            allowed = (f"one of {', '.join(spec.choices)}" if spec.choices else
                       f"from {spec.minimum:,} to {spec.maximum:,}{spec.suffix}")
            raise _bad(name, f"must be {allowed}", source) from None
    if name == "security.allowed_roles":
        if not value or any(role not in ROLES for role in value):
            raise _bad(name, f"must list some of {', '.join(ROLES)}", source)
        return tuple(value)
    if name == "models.dirs":
        if any(not isinstance(d, str) or not Path(d).is_absolute() for d in value):
            raise _bad(name, "must list absolute paths", source)
        return tuple(Path(d) for d in value)
    if name == "models.tasks":
        for task, chain in value.items():
            if not isinstance(chain, list) or not chain or \
                    any(not isinstance(n, str) for n in chain):
                raise _bad(f"{name}.{task}", "must be a list of model names", source)
        return {task: tuple(chain) for task, chain in value.items()}
    if name == "memory.max_memory_fraction":
        if not 0 < value <= 1:
            raise _bad(name, "must be above 0 and at most 1", source)
        return float(value)
    if name == "cluster.allowed_addresses":
        if any(not isinstance(a, str) or not a.strip() for a in value):
            raise _bad(name, "must list Ray addresses (host:port or ray://host:port)", source)
        return tuple(value)
    if name == "memory.max_loaded_models" and value < 1:
        raise _bad(name, "must be 1 or more", source)
    return value
