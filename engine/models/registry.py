"""Where a model's file is, and whether it is the file IT provisioned (SHA-256)."""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Sequence
from pathlib import Path

from engine.errors import ModelChecksumMismatch, ModelNotFound
from engine.hashing import file_sha256
from engine.models.config import ModelSpec


def locate(spec: ModelSpec, model_dirs: Sequence[Path]) -> Path:
    """The model's file; never a download: a missing file names where IT must put it."""
    assert spec.path is not None
    candidates: list[Path] = []
    if spec.package:
        found = importlib.util.find_spec(spec.package)
        if found is not None and found.origin:
            candidates.append(Path(found.origin).parent / spec.path)
    candidates += [Path(d) / spec.path for d in model_dirs]
    for candidate in candidates:
        if candidate.exists():
            return candidate
    expected = str(Path(model_dirs[0]) / spec.path) if model_dirs else spec.path
    raise ModelNotFound("the model file is not installed on this workstation",
                        {"model": spec.name, "expected_path": expected,
                         "package": spec.package})


def is_installed(spec: ModelSpec, model_dirs: Sequence[Path]) -> bool:
    """Whether the model's file is on this workstation (the fallback needs none)."""
    if spec.backend == "fallback" or spec.path is None:
        return True
    try:
        locate(spec, model_dirs)
    except ModelNotFound:
        return False
    return True


@functools.lru_cache(maxsize=64)
def _digest(path: str, size: int, mtime_ns: int) -> str:
    return file_sha256(Path(path))  # cached per (size, mtime): a model is hashed once


def verify(spec: ModelSpec, path: Path) -> None:
    """A folder model (CTranslate2, Transformers) is checked by its ``model.bin``."""
    if path.is_dir():
        path = path / "model.bin"
        if not path.exists():
            return
    if not spec.sha256:
        return
    stat = path.stat()
    if _digest(str(path), stat.st_size, stat.st_mtime_ns) != spec.sha256.lower():
        raise ModelChecksumMismatch("the model file differs from the provisioned one",
                                    {"model": spec.name, "path": str(path)})
