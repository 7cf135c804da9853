"""Shared fixtures: the public evaluation data beside the checkout, and real stores."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine.models import ModelManager
from engine.paths import model_dirs
from engine.store import create
from engine.store.keyslots import ScryptParams

ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = Path(os.environ.get("HNTAI_EVAL_DIR", ROOT.parent / "shared" / "eval"))
SAMPLES_DIR = ROOT / "resources" / "samples"

# Low scrypt cost keeps the suite fast; the production default is asserted separately.
FAST_KDF = ScryptParams(n=2**12)
ADMIN_PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    if not EVAL_DIR.is_dir():
        pytest.fail(f"evaluation data missing at {EVAL_DIR} (../shared/eval beside the repo)")
    return EVAL_DIR


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES_DIR


@pytest.fixture
def fast_kdf() -> ScryptParams:
    return FAST_KDF


@pytest.fixture
def admin_password() -> str:
    return ADMIN_PASSWORD


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path):
    """A real SQLCipher store with one admin, opened in this process."""
    store, _recovery = create(data_dir, "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
    yield store
    store.close()


@pytest.fixture(scope="module")
def manager(tmp_path_factory):
    """The shipped models_config.json and the product's model directories (an empty data
    directory): the embedded models, as an installed engine sees them."""
    mm = ModelManager.from_config(ROOT / "models_config.json",
                                  model_dirs(tmp_path_factory.mktemp("data")))
    yield mm
    mm.close()
