"""Model registry, backends and the memory-aware manager."""

from engine.models.config import ModelsConfig, ModelSpec, Policy, load_config, parse_config
from engine.models.manager import ModelManager, ModelStatus

__all__ = ["ModelManager", "ModelSpec", "ModelStatus", "ModelsConfig", "Policy", "load_config",
           "parse_config"]
