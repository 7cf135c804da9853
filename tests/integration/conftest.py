"""Integration fixtures: a real engine process on a fresh encrypted store."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import protocol as p
from engine.client import EngineClient

ADMIN = "admin"
PASSWORD = "integration pass 1"


@pytest.fixture
def engine(tmp_path: Path):
    """A started engine with a new store, logged in as the admin."""
    client = EngineClient(tmp_path / "data").start()
    client.request(p.InitStore(admin=ADMIN, password=PASSWORD))
    yield client
    client.close()


@pytest.fixture
def credentials() -> tuple[str, str]:
    return ADMIN, PASSWORD
