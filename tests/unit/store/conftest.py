from __future__ import annotations

from pathlib import Path

import pytest

from engine.store import create
from engine.store.keyslots import ScryptParams

# Low scrypt cost keeps the suite fast; the production default is asserted separately.
FAST_KDF = ScryptParams(n=2**12)
ADMIN_PASSWORD = "correct horse battery"


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
    store, _recovery = create(data_dir, "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
    yield store
    store.close()
