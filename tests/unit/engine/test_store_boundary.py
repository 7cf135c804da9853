"""Only engine/store/ holds the database's connection and lock: everything else goes
through ``db.transaction()`` or ``db.locked()`` (or a handler's ``Session``), so a change and
its audit row cannot be split by code that takes the lock by hand. engine/archive/ counts as
outside the store and is held to the same rule."""

from __future__ import annotations

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[3] / "engine"
STORE = ENGINE / "store"


def reaches_into_db(source: str) -> list[int]:
    """Lines where ``<something>.db.conn`` or ``<something>.db.lock`` is used."""
    return [node.lineno for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Attribute) and node.attr in ("conn", "lock")
            and isinstance(node.value, ast.Attribute) and node.value.attr == "db"]


def test_the_check_sees_a_connection_taken_by_hand() -> None:
    source = "with store.db.lock:\n    rows = store.db.conn.execute('SELECT 1')\n"
    assert reaches_into_db(source) == [1, 2]
    assert reaches_into_db("with store.db.locked() as conn:\n    conn.execute('x')\n") == []


def test_no_module_outside_the_store_touches_its_connection_or_lock() -> None:
    found = {str(path.relative_to(ENGINE.parent)): lines
             for path in sorted(ENGINE.rglob("*.py")) if STORE not in path.parents
             if (lines := reaches_into_db(path.read_text(encoding="utf-8")))}
    assert found == {}
