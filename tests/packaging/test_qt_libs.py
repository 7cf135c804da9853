"""The system libraries Qt needs, as packaging/setup.sh installs them and as the .deb depends
on them: the two lists are the same, and they match what the shipped Qt actually loads
(read from its ELF headers), so that neither can drift again. A setup.sh without the xcb
libraries left a desktop whose window failed with a misleading "xcb-cursor0" message."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SETUP = ROOT / "packaging" / "setup.sh"
BUILD_DEB = ROOT / "packaging" / "linux" / "build_deb.sh"
# In the .deb only: the bundle's C library, which every Debian system has.
DEB_ONLY = {"libc6"}
# In setup.sh only: the CPU load of a loaded test run, never part of the product.
SETUP_ONLY = {"stress-ng"}
# The shipped Qt pieces HNTAI loads: the platform plugins it runs with (a window on X11,
# offscreen for tests and screenshots) and the modules it imports.
QT_LOADED = ("plugins/platforms/libqxcb.so", "plugins/platforms/libqoffscreen.so",
             "lib/libQt6XcbQpa.so.6", "lib/libQt6Gui.so.6", "lib/libQt6Widgets.so.6",
             "lib/libQt6Multimedia.so.6", "lib/libQt6DBus.so.6")


def setup_qt_libs() -> dict[str, str]:
    """setup.sh's ``qt_libs`` table: soname -> Debian package."""
    block = re.search(r"^qt_libs=\((.*?)^\)", SETUP.read_text(), re.S | re.M)
    assert block, "setup.sh has no qt_libs=( ... ) table"
    pairs = [item.split(":") for item in block.group(1).split()]
    assert all(len(pair) == 2 and all(pair) for pair in pairs), pairs
    return dict(pairs)


def setup_packages() -> set[str]:
    """Every package setup.sh may install: the table's and the literal ``need_apt+=(...)``."""
    literal = re.findall(r"need_apt\+=\(([a-z0-9 .+-]+)\)", SETUP.read_text())
    return {name for group in literal for name in group.split()} | set(
        setup_qt_libs().values())


def deb_depends() -> set[str]:
    line = next(line for line in BUILD_DEB.read_text().splitlines()
                if line.startswith("Depends:"))
    return {re.sub(r"\s*\(.*\)", "", dep).strip()
            for dep in line.removeprefix("Depends:").split(",")}


def test_setup_installs_exactly_what_the_deb_depends_on():
    setup, deb = setup_packages() - SETUP_ONLY, deb_depends() - DEB_ONLY
    assert {"libxcb-icccm4", "libxcb-keysyms1"} <= setup  # the two found missing
    assert setup - deb == set(), "in setup.sh but not in the .deb's Depends"
    assert deb - setup == set(), "in the .deb's Depends but not installed by setup.sh"


def test_the_table_names_each_package_once():
    table = setup_qt_libs()
    assert len(set(table.values())) == len(table)


def _qt_dir() -> Path:
    if not sys.platform.startswith("linux") or shutil.which("readelf") is None:
        pytest.skip("reads Linux ELF headers with readelf")
    pyside = pytest.importorskip("PySide6")
    return Path(pyside.__file__).parent / "Qt"


def _needed(library: Path) -> set[str]:
    out = subprocess.run(["readelf", "-d", str(library)], capture_output=True, text=True,
                         check=True).stdout
    return set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out))


def test_every_library_in_the_table_is_one_the_shipped_qt_loads():
    qt = _qt_dir()
    needed = set().union(*(_needed(qt / part) for part in QT_LOADED))
    assert set(setup_qt_libs()) - needed == set(), "stale or misspelt sonames in setup.sh"


def test_what_this_machine_lacks_for_qt_is_what_setup_installs():
    """A library Qt's plugins need that is neither shipped with Qt nor on this machine must
    be one setup.sh installs (the state a fresh machine is in before setup.sh runs)."""
    qt = _qt_dir()
    present = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True,
                             check=True).stdout
    have = set(re.findall(r"^\s+(\S+) \(", present, re.M))
    shipped = {p.name for p in (qt / "lib").iterdir()}
    needed = set().union(*(_needed(qt / part) for part in QT_LOADED))
    missing = needed - shipped - have
    assert missing - set(setup_qt_libs()) == set()
