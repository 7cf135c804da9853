"""The machine policy: parsing and validation by key, and where it overrides the user."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from engine import cli, paths, protocol
from engine.errors import ErrorCode, HntaiError, InvalidConfig, PermissionDenied
from engine.models import load_config
from engine.permissions import require
from engine.policy import (
    SCRUB_POLICIES,
    MachinePolicy,
    load_policy,
    machine_policy,
    parse_policy,
)
from engine.protocol import ROLE_PERMISSIONS, Permission, Role, UserInfo
from engine.store import settings

ROOT = Path(__file__).resolve().parents[3]
FULL = """
[storage]
data_dir = "/srv/hntai/data"
retention_days = 365

[privacy]
scrub_policy = "safe_harbor"

[phi]
site_lexicon = "/etc/hntai/site_lexicon.tsv"

[security]
idle_lock_minutes = 5
allowed_roles = ["admin", "clinician"]

[models]
dirs = ["/srv/hntai/models", "/mnt/models"]

[models.tasks]
summary = ["smollm2-135m-instruct-q4", "extractive"]

[memory]
max_memory_fraction = 0.6
max_loaded_models = 1
"""


@pytest.fixture
def policy_file(tmp_path, monkeypatch):
    """Point HNTAI_POLICY at an empty policy; the test writes what it needs."""
    path = tmp_path / "policy.toml"
    path.write_text("")
    monkeypatch.setenv("HNTAI_POLICY", str(path))

    def write(text: str) -> Path:
        path.write_text(text)
        # a fresh mtime each write: the policy is re-read when its file changes
        os.utime(path, ns=(path.stat().st_mtime_ns + 10**9,) * 2)
        return path

    return write


def test_a_full_policy_parses(policy_file):
    path = policy_file(FULL)
    policy = machine_policy()
    assert policy == MachinePolicy(
        source=path, data_dir=Path("/srv/hntai/data"), retention_days=365,
        scrub_policy="safe_harbor", site_lexicon=Path("/etc/hntai/site_lexicon.tsv"),
        idle_lock_minutes=5, allowed_roles=("admin", "clinician"),
        model_dirs=(Path("/srv/hntai/models"), Path("/mnt/models")),
        models_per_task={"summary": ("smollm2-135m-instruct-q4", "extractive")},
        max_memory_fraction=0.6, max_loaded_models=1)
    assert policy.fixed_settings() == {"retention.days": 365, "scrub.policy": "safe_harbor",
                                       "security.idle_lock_minutes": 5,
                                       "phi.site_lexicon": "/etc/hntai/site_lexicon.tsv"}


def test_an_empty_policy_fixes_nothing():
    assert parse_policy({}) == MachinePolicy()
    assert MachinePolicy().fixed_settings() == {}
    MachinePolicy().check_role("clerk")


@pytest.mark.parametrize(("text", "key"), [
    ("[storage]\ndata_dir = 'relative/dir'", "storage.data_dir"),
    ("[storage]\nretention_days = -1", "storage.retention_days"),
    ("[storage]\nretention_days = '30'", "storage.retention_days"),
    ("[storage]\nretention_days = 40000", "storage.retention_days"),  # past the setting's range
    ("[privacy]\nscrub_policy = 'none'", "privacy.scrub_policy"),
    ("[phi]\nsite_lexicon = 'site.tsv'", "phi.site_lexicon"),
    ("[phi]\nsite_lexicon = ['/etc/a.tsv']", "phi.site_lexicon"),
    ("[phi]\nsite_list = '/etc/a.tsv'", "phi.site_list"),
    ("[security]\nidle_lock_minutes = 0", "security.idle_lock_minutes"),
    ("[security]\nidle_lock_minutes = 1441", "security.idle_lock_minutes"),
    ("[security]\nidle_lock_minutes = true", "security.idle_lock_minutes"),
    ("[security]\nallowed_roles = ['admin', 'root']", "security.allowed_roles"),
    ("[security]\nallowed_roles = []", "security.allowed_roles"),
    ("[security]\nidle_lock = 5", "security.idle_lock"),
    ("[models]\ndirs = ['models']", "models.dirs"),
    ("[models]\ndirs = '/srv/models'", "models.dirs"),
    ("[models.tasks]\nsummary = []", "models.tasks.summary"),
    ("[models.tasks]\nsummary = 'extractive'", "models.tasks.summary"),
    ("[memory]\nmax_memory_fraction = 1.5", "memory.max_memory_fraction"),
    ("[memory]\nmax_loaded_models = 0", "memory.max_loaded_models"),
    ("[network]\nallow = true", "network"),
    ("storage = 3", "storage"),
])
def test_a_bad_value_is_refused_naming_its_key(policy_file, text, key):
    path = policy_file(text)
    with pytest.raises(InvalidConfig) as err:
        machine_policy()
    assert err.value.code is ErrorCode.INVALID_CONFIG
    assert err.value.details == {"key": key, "path": str(path)}
    assert key in err.value.message


def test_bad_toml_and_a_missing_named_file_are_invalid_config(policy_file, tmp_path,
                                                              monkeypatch):
    path = policy_file("[storage\ndata_dir = 1")
    with pytest.raises(InvalidConfig) as err:
        load_policy(path)
    assert "line 1" in err.value.details["error"]
    monkeypatch.setenv("HNTAI_POLICY", str(tmp_path / "absent.toml"))
    with pytest.raises(InvalidConfig) as err:
        machine_policy()
    assert err.value.details["key"] == "HNTAI_POLICY"


def test_a_changed_file_is_read_again(policy_file):
    policy_file("[security]\nidle_lock_minutes = 5")
    assert machine_policy().idle_lock_minutes == 5
    policy_file("[security]\nidle_lock_minutes = 7")
    assert machine_policy().idle_lock_minutes == 7


def test_the_value_lists_match_the_engine():
    assert tuple(protocol.SETTINGS_SCHEMA["scrub.policy"].choices) == SCRUB_POLICIES


@pytest.mark.parametrize("role", list(Role))
def test_the_engine_enforces_the_table_front_ends_read(policy_file, role):
    """One table on both sides: what ``UserInfo.permissions`` offers is exactly what
    ``require`` lets through."""
    offered = UserInfo("someone", role, False).permissions
    assert offered == ROLE_PERMISSIONS[role]
    for permission in Permission:
        if permission in offered:
            require(role, permission)
        else:
            with pytest.raises(PermissionDenied) as err:
                require(role, permission)
            assert err.value.details == {"permission": permission.value, "role": role.value}


def test_a_clerk_files_documents_but_reads_none_and_only_an_admin_administers():
    clerk, clinician, admin = (ROLE_PERMISSIONS[r] for r in (Role.CLERK, Role.CLINICIAN,
                                                             Role.ADMIN))
    assert Permission.DOCUMENT_SUBMIT in clerk and Permission.RECORD_MRN in clerk
    assert not clerk & {Permission.DOCUMENT_READ, Permission.EXPORT, Permission.SUMMARY_CREATE,
                        Permission.RECORD_MRN_CHANGE}
    assert clerk < clinician < admin == frozenset(Permission)
    assert not clinician & {Permission.USER_ADMIN, Permission.AUDIT_READ,
                            Permission.SETTINGS_WRITE, Permission.MODELS_ADMIN}


def test_policy_settings_win_and_cannot_be_changed(store, policy_file):
    with store.db.transaction() as conn:
        settings.put(conn, "scrub.policy", "redact")
        settings.put(conn, "jobs.max_attempts", 5)
    path = policy_file("[privacy]\nscrub_policy = 'safe_harbor'\n"
                       "[storage]\nretention_days = 30")
    with store.db.transaction() as conn:
        assert settings.get(conn, "scrub.policy") == "safe_harbor"  # not the stored redact
        assert settings.get(conn, "retention.days") == 30
        assert settings.get(conn, "jobs.max_attempts") == 5  # not in the policy: the user's
        with pytest.raises(PermissionDenied) as err:
            settings.put(conn, "scrub.policy", "surrogate")
        settings.put(conn, "jobs.max_attempts", 4)
    assert err.value.details == {"key": "scrub.policy", "policy": str(path)}
    with store.db.lock:
        assert settings.all_settings(store.db.conn)["scrub.policy"] == "safe_harbor"


def test_roles_outside_the_policy_are_denied_every_action(policy_file):
    require(Role.CLERK, Permission.DOCUMENT_SUBMIT)
    policy_file("[security]\nallowed_roles = ['admin', 'clinician']")
    require(Role.CLINICIAN, Permission.DOCUMENT_SUBMIT)
    with pytest.raises(PermissionDenied) as err:
        require(Role.CLERK, Permission.DOCUMENT_SUBMIT)
    assert err.value.details["key"] == "security.allowed_roles"


def test_data_and_model_directories_follow_the_policy(policy_file, tmp_path, monkeypatch):
    monkeypatch.delenv("HNTAI_DATA_DIR", raising=False)
    monkeypatch.setenv("HNTAI_MODEL_DIR", str(tmp_path / "env-models"))
    data = tmp_path / "data"
    assert paths.model_dirs(data) == [tmp_path / "env-models", data / "models",
                                      paths.bundled_model_dir()]
    assert paths.machine_model_dir() == tmp_path / "env-models"
    policy_file(f"[storage]\ndata_dir = '{tmp_path / 'fixed'}'\n"
                f"[models]\ndirs = ['{tmp_path / 'it-models'}']")
    assert paths.default_data_dir() == tmp_path / "fixed"
    assert paths.model_dirs(data) == [tmp_path / "it-models", paths.bundled_model_dir()]
    assert paths.machine_model_dir() == tmp_path / "it-models"
    assert paths.models_overlay_path() == tmp_path / "it-models" / "models_config.json"
    monkeypatch.setenv("HNTAI_DATA_DIR", str(tmp_path / "explicit"))
    assert paths.default_data_dir() == tmp_path / "explicit"  # an explicit choice still wins


def test_models_per_task_and_memory_limits_apply_to_the_model_list(policy_file):
    shipped = ROOT / "models_config.json"
    assert load_config(shipped).chain("summary")[0] == "phi-3-mini-4k-instruct-q4"
    policy_file(FULL)
    config = load_config(shipped)
    assert config.chain("summary") == ("smollm2-135m-instruct-q4", "extractive")
    assert config.chain("transcription") == ("whisper-base", "whisper-tiny-en")
    assert (config.policy.max_memory_fraction, config.policy.max_loaded_models) == (0.6, 1)
    assert config.policy.keep_alive_s == 600  # untouched by the policy
    assert load_config(shipped, machine=False).policy.max_loaded_models == 2
    policy_file("[models.tasks]\nsummary = ['whisper-base']")
    with pytest.raises(InvalidConfig) as err:
        load_config(shipped)
    assert err.value.details["key"] == "models.tasks.summary"


def test_the_command_stops_at_start_on_a_bad_policy(policy_file, capsys):
    policy_file("[security]\nidle_lock_minutes = 'soon'")
    assert cli.main(["scrub"]) == cli.EXIT_ERROR
    assert "INVALID_CONFIG: policy key security.idle_lock_minutes" in capsys.readouterr().err


def test_policy_errors_cross_the_process_boundary_intact(policy_file):
    import pickle

    policy_file("[memory]\nmax_loaded_models = 0")
    with pytest.raises(HntaiError) as err:
        machine_policy()
    again = pickle.loads(pickle.dumps(err.value))
    assert type(again) is InvalidConfig and again.details["key"] == "memory.max_loaded_models"


def test_the_shipped_example_names_every_key_and_is_valid_uncommented():
    from engine.policy import _SCHEMA

    example = (ROOT / "packaging" / "policy.example.toml").read_text()
    assert load_policy_text(example) == MachinePolicy()  # as shipped: everything commented
    policy = load_policy_text(re.sub(r"(?m)^# (?=\[|[a-z_]+ = )", "", example))
    for section, keys in _SCHEMA.items():
        for attr in (attr for _, attr in keys.values()):
            assert getattr(policy, attr) not in (None, (), {}), f"{section}: {attr}"


def load_policy_text(text: str) -> MachinePolicy:
    import tomllib

    return parse_policy(tomllib.loads(text))
