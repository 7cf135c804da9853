"""The shared install layout, as both installers read it (no build needed)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# packaging/ is a folder of build scripts, not a package: load layout.py by its path.
_spec = importlib.util.spec_from_file_location("hntai_layout", ROOT / "packaging" / "layout.py")
layout = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = layout  # dataclasses look their module up while it loads
_spec.loader.exec_module(layout)

BUILT = ("build/", "packaging/windows/tesseract")  # made on the build machine


def test_every_shipped_source_is_in_the_repository():
    files = layout.load().files
    for entry in files:
        if not entry.source.startswith(BUILT):
            assert (ROOT / entry.source).is_file(), entry.source
        assert entry.linux or entry.windows, entry.source
    assert {e.source for e in files if e.folder} == {"build/dist/hntai",
                                                     "packaging/windows/tesseract"}


def test_linux_package_pieces():
    plan = layout.load()
    assert layout.conffiles(plan) == "/etc/hntai/policy.toml"
    lines = layout.postinst(plan).splitlines()
    assert lines == ["install -d -m 0755 -o root -g root /var/lib/hntai",
                     "install -d -m 0755 -o root -g root /var/lib/hntai/models",
                     "install -d -m 2770 -o root -g hntai /var/lib/hntai/data"]
    assert {c.linux for c in plan.commands} == {"/usr/bin/hntai", "/usr/bin/hntai-desktop"}


def test_the_windows_sections_come_from_the_same_list():
    text = layout.iss(layout.load())
    assert text.index("[Dirs]") < text.index("[Files]") < text.index("[Icons]")
    assert ('Source: "..\\..\\packaging\\policy.example.toml"; DestDir: '
            '"{commonappdata}\\HNTAI"; DestName: "policy.toml"; '
            "Flags: onlyifdoesntexist uninsneveruninstall") in text
    assert ('Name: "{commonappdata}\\HNTAI\\models"; Permissions: admins-full users-readexec; '
            "Flags: uninsneveruninstall") in text
    assert 'Source: "..\\..\\build\\dist\\hntai\\*"; DestDir: "{app}"' in text
    assert 'Filename: "{app}\\hntai-desktop.exe"' in text
    script = (ROOT / "packaging" / "windows" / "hntai.iss").read_text()
    assert '#include "..\\..\\build\\layout.generated.iss"' in script
    assert "PrivilegesRequired=admin" in script
