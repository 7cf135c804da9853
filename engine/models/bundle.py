"""Offline model bundles: how IT carries models to air-gapped workstations.

A bundle is a plain tar (model weights do not compress): ``hntai-models.json`` first — the
format, the ``models_config.json`` entries of the models and the size and SHA-256 of every
file — then the files under ``models/``. ``import_bundle`` streams each file into a staging
folder inside the model directory, hashing as it goes, and moves anything into place only
once every file matched; the models then appear through the ``models_config.json`` overlay
beside them (``engine.paths.models_overlay_path``) without anyone editing a file.
"""

from __future__ import annotations

import getpass
import hashlib
import io
import json
import os
import secrets
import shutil
import tarfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from engine.errors import (
    CorruptFile,
    InvalidConfig,
    ModelChecksumMismatch,
    ModelNotFound,
    PermissionDenied,
)
from engine.hashing import file_sha256
from engine.models.config import merge_overlay, parse_config, read_json
from engine.paths import machine_model_dir, models_config_path, models_overlay_path

MANIFEST = "hntai-models.json"
FORMAT = 1
_PREFIX = "models/"
_BLOCK = 1 << 22


@dataclass(frozen=True)
class BundleFile:
    path: str  # inside the bundle: models/<the model's path>[/<file in its folder>]
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    models: tuple[dict[str, Any], ...]  # models_config.json entries
    files: tuple[BundleFile, ...]
    format: int = FORMAT


@dataclass(frozen=True)
class PackResult:
    bundle: Path
    models: tuple[str, ...]
    files: int
    bytes: int


@dataclass(frozen=True)
class ImportResult:
    model_dir: Path
    overlay: Path
    models: tuple[str, ...]
    files: int
    bytes: int
    bundle_sha256: str


# --- pack ------------------------------------------------------------------------------

def _model_files(root: Path, relative: str) -> Iterator[Path]:
    """The files of one model: its file, or every file in its folder (no links)."""
    target = root / relative
    candidates = sorted(target.rglob("*")) if target.is_dir() else [target]
    for path in candidates:
        if path.is_symlink():
            raise CorruptFile(f"{path.relative_to(root)}: links cannot go into a bundle",
                              {"file": str(path.relative_to(root))})
        if path.is_file():
            yield path


def _checked_relative(path: str, where: str) -> PurePosixPath:
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in path:
        raise CorruptFile(f"{where}: not a relative path inside the bundle", {"file": path})
    return pure


def pack(source: Path, output: Path, entries: Sequence[Mapping[str, Any]]) -> PackResult:
    """Every model of ``entries`` whose path exists under ``source`` goes into ``output``;
    a file that differs from the SHA-256 its entry expects is refused, not packed."""
    source = Path(source)
    chosen: list[dict[str, Any]] = []
    files: list[tuple[Path, BundleFile]] = []
    for entry in entries:
        path = entry.get("path")
        if entry.get("backend") == "fallback" or not path or not (source / path).exists():
            continue
        _checked_relative(path, f"model {entry.get('name')}")
        entry = dict(entry)
        mine = [(file, BundleFile(_PREFIX + file.relative_to(source).as_posix(),
                                  file.stat().st_size, file_sha256(file)))
                for file in _model_files(source, path)]
        # What registry.verify checks: the file, or a folder model's model.bin.
        checked = source / path / "model.bin" if (source / path).is_dir() else source / path
        digest = next((meta.sha256 for file, meta in mine if file == checked), None)
        if entry.get("sha256") and digest and entry["sha256"].lower() != digest:
            raise ModelChecksumMismatch(f"{path}: differs from the SHA-256 in its entry",
                                        {"model": entry.get("name"), "file": path})
        entry["sha256"] = digest
        chosen.append(entry)
        files += mine
    if not chosen:
        raise ModelNotFound("none of the listed models has its file in this folder",
                            {"path": str(source)})
    manifest = Manifest(tuple(chosen), tuple(f for _, f in files))
    partial = output.with_name(output.name + ".partial")  # never a half bundle by its name
    with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
        data = json.dumps(asdict(manifest), indent=2, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode, info.mtime = len(data), 0o644, int(time.time())
        tar.addfile(info, io.BytesIO(data))
        for file, meta in files:
            info = tar.gettarinfo(str(file), arcname=meta.path)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            with file.open("rb") as fh:
                tar.addfile(info, fh)
    os.replace(partial, output)
    return PackResult(output, tuple(e["name"] for e in chosen), len(files),
                      sum(f.size for f in manifest.files))


# --- import ----------------------------------------------------------------------------

def _read_manifest(tar: tarfile.TarFile, bundle: Path) -> Manifest:
    first = tar.next()
    if first is None or first.name != MANIFEST or not first.isfile():
        raise CorruptFile(f"{bundle.name}: not a model bundle (no {MANIFEST} first)",
                          {"file": MANIFEST})
    try:
        raw = json.loads(tar.extractfile(first).read())
        manifest = Manifest(
            models=tuple(dict(m) for m in raw["models"]),
            files=tuple(BundleFile(str(f["path"]), int(f["size"]),
                                   str(f["sha256"]).lower()) for f in raw["files"]),
            format=int(raw["format"]))
    except (ValueError, KeyError, TypeError, tarfile.TarError) as exc:
        raise CorruptFile(f"{MANIFEST}: unreadable manifest", {"file": MANIFEST,
                                                               "error": type(exc).__name__}
                          ) from None
    if manifest.format != FORMAT:
        raise CorruptFile(f"{MANIFEST}: bundle format {manifest.format} is not supported",
                          {"file": MANIFEST, "format": manifest.format})
    for f in manifest.files:
        if not f.path.startswith(_PREFIX):
            raise CorruptFile(f"{f.path}: outside models/", {"file": f.path})
        _checked_relative(f.path, f.path)
    if not manifest.models:
        raise CorruptFile(f"{MANIFEST}: the bundle lists no model", {"file": MANIFEST})
    owned: set[str] = set()
    for entry in manifest.models:
        path = entry.get("path")
        if not isinstance(entry.get("name"), str) or not isinstance(path, str):
            raise CorruptFile(f"{MANIFEST}: a model entry has no name or path",
                              {"file": MANIFEST, "model": entry.get("name")})
        _checked_relative(path, f"model {entry.get('name')}")
        mine = {f.path for f in manifest.files
                if f.path == _PREFIX + path or f.path.startswith(_PREFIX + path + "/")}
        if not mine:
            raise CorruptFile(f"model {entry.get('name')}: the bundle holds none of its files",
                              {"file": path, "model": entry.get("name")})
        owned |= mine
    for f in manifest.files:
        if f.path not in owned:
            raise CorruptFile(f"{f.path}: belongs to no model of the manifest", {"file": f.path})
    return manifest


def _stage(tar: tarfile.TarFile, manifest: Manifest, staging: Path) -> None:
    """Write every listed file into ``staging``, each checked by size and SHA-256."""
    expected = {f.path: f for f in manifest.files}
    seen: set[str] = set()
    while True:
        try:
            member = tar.next()
        except tarfile.TarError:
            first_missing = next(f.path for f in manifest.files if f.path not in seen)
            raise CorruptFile(f"{first_missing}: the bundle is cut short before this file",
                              {"file": first_missing}) from None
        if member is None:
            break
        name = member.name
        meta = expected.get(name)
        if meta is None or name in seen or not member.isfile():
            raise CorruptFile(f"{name}: not a file the manifest lists", {"file": name})
        target = staging / name[len(_PREFIX):]
        target.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        try:  # a full disk is raised as it is: that is the machine's error, not the bundle's
            with tar.extractfile(member) as src, target.open("wb") as out:
                for block in iter(lambda src=src: src.read(_BLOCK), b""):
                    digest.update(block)
                    size += len(block)
                    out.write(block)
        except tarfile.TarError:
            raise CorruptFile(f"{name}: the bundle is cut short in this file",
                              {"file": name}) from None
        if size != meta.size or digest.hexdigest() != meta.sha256:
            raise ModelChecksumMismatch(f"{name}: its SHA-256 differs from the manifest",
                                        {"file": name, "expected": meta.sha256,
                                         "size": size, "expected_size": meta.size})
        os.chmod(target, 0o644)  # the engine runs as each staff member: models are shared
        seen.add(name)
    missing = sorted(set(expected) - seen)
    if missing:
        raise CorruptFile(f"{missing[0]}: listed in the manifest but not in the bundle",
                          {"file": missing[0], "missing": len(missing)})


def _writable(model_dir: Path) -> None:
    """Import writes machine files: the OS account must be allowed to write them."""
    try:
        model_dir.mkdir(parents=True, exist_ok=True)
    except PermissionError:
        raise PermissionDenied(f"{model_dir}: this OS account cannot create the model "
                               "directory (run the import as the IT account)",
                               {"path": str(model_dir)}) from None
    if not os.access(model_dir, os.W_OK):
        raise PermissionDenied(f"{model_dir}: this OS account cannot write the model "
                               "directory (run the import as the IT account)",
                               {"path": str(model_dir)})


def _replace(staged: Path, target: Path, trash: Path) -> None:
    if target.exists() or target.is_symlink():
        os.replace(target, trash / secrets.token_hex(4))
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staged, target)
    if target.is_dir():
        for folder in [target, *(p for p in target.rglob("*") if p.is_dir())]:
            os.chmod(folder, 0o755)


def _write_overlay(overlay: Path, entries: Sequence[Mapping[str, Any]]) -> None:
    current = read_json(overlay) if overlay.exists() else {}
    by_name = {m["name"]: m for m in current.get("models", [])}
    by_name.update({e["name"]: dict(e) for e in entries})
    tmp = overlay.with_name(f".{overlay.name}.{secrets.token_hex(4)}")
    tmp.write_text(json.dumps({"version": 1, "models": list(by_name.values())}, indent=2,
                              sort_keys=True) + "\n", "utf-8")
    os.chmod(tmp, 0o644)
    os.replace(tmp, overlay)


def _open_tar(bundle: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(bundle, "r:")  # uncompressed, read member by member
    except tarfile.TarError:
        raise CorruptFile(f"{bundle.name}: not a tar file", {"file": bundle.name}) from None


def import_bundle(bundle: Path, model_dir: Path, overlay: Path,
                  shipped: Mapping[str, Any]) -> ImportResult:
    """Verify every file of ``bundle``, then provision its models into ``model_dir`` and
    list them in ``overlay``. ``shipped`` is the raw shipped ``models_config.json``: the
    result must still be a valid configuration. Nothing is changed unless all of it holds."""
    bundle, model_dir = Path(bundle), Path(model_dir)
    if not bundle.is_file():
        raise CorruptFile(f"{bundle}: no such bundle file", {"file": str(bundle)})
    _writable(model_dir)
    staging = model_dir / f".import-{secrets.token_hex(6)}"
    staging.mkdir(mode=0o700)
    try:
        with _open_tar(bundle) as tar:
            manifest = _read_manifest(tar, bundle)
            stamp = {"bundle_sha256": file_sha256(bundle), "by": getpass.getuser(),
                     "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
            entries = [{**m, "imported": stamp} for m in manifest.models]
            existing = read_json(overlay) if overlay.exists() else {}
            try:  # the machine's list with these models must still load
                parse_config(merge_overlay(shipped, {"models": [
                    *[m for m in existing.get("models", [])
                      if m.get("name") not in {e["name"] for e in entries}], *entries]}))
            except InvalidConfig as exc:
                raise InvalidConfig(f"{MANIFEST}: {exc.message}",
                                    {**exc.details, "file": MANIFEST}) from None
            _stage(tar, manifest, staging)
        trash = staging / ".replaced"
        trash.mkdir()
        for path in dict.fromkeys(entry["path"] for entry in manifest.models):
            _replace(staging / path, model_dir / path, trash)
        _write_overlay(overlay, entries)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ImportResult(model_dir, overlay, tuple(m["name"] for m in manifest.models),
                        len(manifest.files), sum(f.size for f in manifest.files),
                        stamp["bundle_sha256"])


# --- this machine ----------------------------------------------------------------------

def pack_folder(source: Path, output: Path) -> PackResult:
    """Pack the models of ``source``: described by its own ``models_config.json`` when IT
    wrote one (models new to HNTAI), else by this machine's list."""
    own = Path(source) / "models_config.json"
    if own.exists():
        listed = read_json(own)
    else:
        listed = read_json(models_config_path())
        if models_overlay_path().exists():
            listed = merge_overlay(listed, read_json(models_overlay_path()))
    models = listed.get("models")
    if not isinstance(models, list) or not all(isinstance(m, dict) for m in models):
        raise InvalidConfig("models_config.json has no list of models", {"field": "models"})
    return pack(Path(source), Path(output), models)


def import_to_machine(bundle: Path) -> ImportResult:
    """Into this machine's model directory and overlay (``engine.paths``)."""
    return import_bundle(bundle, machine_model_dir(), models_overlay_path(),
                         read_json(models_config_path()))
