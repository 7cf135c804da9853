"""The desktop talks to the engine through the protocol, the client and the error codes only.

Anything else it imports from ``engine`` is listed below with the reason it cannot go
through the engine process; the list is exact, so a new import fails here and a removed one
must be struck from the list."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DESKTOP, ENGINE = ROOT / "desktop", ROOT / "engine"

ALLOWED = {"engine.protocol", "engine.client", "engine.errors"}

# (desktop module, engine module) -> why the desktop imports it itself
EXCEPTIONS = {
    ("desktop/__main__.py", "engine.secrets_env"):
        "before the engine starts: drops HNTAI_PASSWORD from the environment so the "
        "spawned engine cannot inherit it",
    ("desktop/app.py", "engine.paths"):
        "before the engine starts: the data folder the machine policy names decides first "
        "run or sign-in (engine.paths reads engine.policy)",
    ("desktop/app.py", "engine"):
        "the package version for --version, which starts no engine",
    ("desktop/views/clinical.py", "engine.clinical.sections"):
        "the section names' display labels, kept beside the names the engine assigns, until "
        "protocol owns the section vocabulary",
}


def _is_engine_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def engine_imports(source: str) -> set[str]:
    """The engine modules one desktop file imports, at module level or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "engine"}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                and node.module.split(".")[0] == "engine":
            for alias in node.names:  # "from engine import protocol" names a module
                sub = f"{node.module}.{alias.name}"
                found.add(sub if _is_engine_module(sub) else node.module)
    return found


def desktop_engine_imports() -> set[tuple[str, str]]:
    return {(path.relative_to(ROOT).as_posix(), module)
            for path in sorted(DESKTOP.rglob("*.py"))
            for module in engine_imports(path.read_text(encoding="utf-8"))}


def test_the_desktop_imports_only_the_boundary_modules_and_the_listed_exceptions():
    outside = {pair for pair in desktop_engine_imports() if pair[1] not in ALLOWED}
    assert outside - set(EXCEPTIONS) == set(), "import through engine.protocol/client/errors"
    assert set(EXCEPTIONS) - outside == set(), "no longer imported: strike it from EXCEPTIONS"


def test_the_scan_sees_every_form_of_import():
    source = ("import engine.store.db\n"
              "from engine import protocol as p, __version__\n"
              "from engine.errors import HntaiError\n"
              "def f():\n    from engine.models import manager\n"
              "from .theme import icon\n")
    assert engine_imports(source) == {"engine.store.db", "engine.protocol", "engine",
                                      "engine.errors", "engine.models.manager"}


def test_the_boundary_modules_exist():
    assert all(_is_engine_module(module) for module in ALLOWED)
    assert all(_is_engine_module(module) for _, module in EXCEPTIONS)
