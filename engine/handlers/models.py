"""Models: list them, import a bundle, load and unload."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from engine import protocol as p
from engine.errors import HntaiError, InvalidRequest
from engine.models import bundle as model_bundle
from engine.models.config import load_config
from engine.models.registry import is_installed
from engine.paths import models_config_path

if TYPE_CHECKING:
    from engine.service import EngineService


def list_models(engine: EngineService, _req: p.ListModels) -> list[p.ModelInfo]:
    loaded = {s.name: s for s in engine.models.status()}
    config, dirs = engine.models.config, engine.models.model_dirs
    return [p.ModelInfo(m.name, m.task, m.backend, m.is_default, is_installed(m, dirs),
                        {n: i for i, n in enumerate(config.chain(m.task))}.get(m.name),
                        loaded.get(m.name)) for m in config.models.values()]


def load_model(engine: EngineService, req: p.LoadModel) -> p.ModelStatus:
    engine.require(p.Permission.MODELS_ADMIN, "model", req.name)
    if req.name not in engine.models.config.models:
        raise InvalidRequest("no such model in models_config.json", {"model": req.name})
    return engine.models.load(req.name)


def import_models(engine: EngineService, req: p.ImportModels) -> p.ModelImport:
    """The same verified import as ``hntai models import``, audited, and the new models
    usable at once (no restart, no file edited by hand)."""
    session = engine.require(p.Permission.MODELS_ADMIN, "model_bundle")
    try:
        result = model_bundle.import_to_machine(Path(req.path))
    except HntaiError as exc:
        session.audit_outcome("models.import", exc, resource_type="model_bundle")
        raise
    engine.models.reload_config(load_config(models_config_path()))
    imported = p.ModelImport(tuple(result.models), result.files, result.bytes)
    session.audit_outcome("models.import", None, asdict(imported), resource_type="model_bundle",
                          resource_id=result.bundle_sha256[:16])
    return imported


def unload_model(engine: EngineService, req: p.UnloadModel) -> bool:
    engine.require(p.Permission.MODELS_ADMIN, "model", req.name)
    return engine.models.unload(req.name)


HANDLERS = {p.ListModels: list_models, p.ImportModels: import_models, p.LoadModel: load_model,
            p.UnloadModel: unload_model}
