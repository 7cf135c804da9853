"""Submitted paths: links followed only to regular files outside the data directory and the
denied folders, loops and dangling links coded, names stored escaped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine.documents.source import SourcePolicy, open_source, stored_name
from engine.errors import HntaiError
from engine.paths import denied_roots


@pytest.fixture
def tree(tmp_path: Path) -> dict[str, Path]:
    """An /etc-like folder holding a secret, a data directory with its key slots, and a
    folder of ordinary documents."""
    etc = tmp_path / "etc"
    etc.mkdir()
    (etc / "shadow").write_text("root:$6$salt$hash:19000:0:99999:7:::\n")
    data = tmp_path / "data"
    data.mkdir()
    (data / "keyslots.json").write_text('{"slots": []}')
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "note.txt").write_text("Aspirin 81 mg daily.\n")
    return {"etc": etc, "data": data, "docs": docs, "root": tmp_path}


def _policy(tree: dict[str, Path]) -> SourcePolicy:
    return SourcePolicy(tree["data"], (tree["etc"],))


def _code(path: Path, policy: SourcePolicy) -> str:
    with pytest.raises(HntaiError) as err, open_source(path, policy):
        pass
    return err.value.code.value


def test_a_link_to_an_ordinary_file_reads_that_file(tree):
    link = tree["root"] / "link.txt"
    link.symlink_to(tree["docs"] / "note.txt")
    with open_source(link, _policy(tree)) as source:
        assert source.path.read_bytes() == b"Aspirin 81 mg daily.\n"
        assert source.size == len(b"Aspirin 81 mg daily.\n")


def test_links_into_a_denied_folder_or_the_data_directory_are_forbidden(tree):
    policy = _policy(tree)
    to_shadow = tree["docs"] / "shadow.txt"
    to_shadow.symlink_to(tree["etc"] / "shadow")
    to_slots = tree["docs"] / "slots.pdf"
    to_slots.symlink_to(tree["data"] / "keyslots.json")
    through_folder = tree["docs"] / "config"
    through_folder.symlink_to(tree["etc"], target_is_directory=True)
    for path in (to_shadow, to_slots, through_folder / "shadow", tree["etc"] / "shadow"):
        assert _code(path, policy) == "FORBIDDEN_PATH", path.name


def test_the_refusal_names_neither_path_nor_file(tree):
    link = tree["docs"] / "Jane_Doe_results.txt"
    link.symlink_to(tree["etc"] / "shadow")
    with pytest.raises(HntaiError) as err, open_source(link, _policy(tree)):
        pass
    said = f"{err.value.message} {err.value.details}"
    assert "Jane" not in said and "shadow" not in said and "etc" not in said
    assert err.value.details == {"reason": "system folder"}


def test_loops_and_dangling_links_are_coded(tree):
    policy = _policy(tree)
    loop_a, loop_b = tree["docs"] / "a.pdf", tree["docs"] / "b.pdf"
    loop_a.symlink_to(loop_b)
    loop_b.symlink_to(loop_a)
    own = tree["docs"] / "self.pdf"
    own.symlink_to(own)
    dangling = tree["docs"] / "gone.pdf"
    dangling.symlink_to(tree["docs"] / "deleted.pdf")
    for path in (loop_a, own, dangling, tree["docs"] / "missing.pdf"):
        assert _code(path, policy) == "FILE_NOT_FOUND", path.name


def test_folders_and_pipes_are_not_documents(tree):
    fifo = tree["docs"] / "pipe.txt"
    os.mkfifo(fifo)
    folder_link = tree["docs"] / "folder.pdf"
    folder_link.symlink_to(tree["docs"], target_is_directory=True)
    for path in (fifo, folder_link):
        assert _code(path, _policy(tree)) == "UNSUPPORTED_FORMAT", path.name


def test_denied_roots_add_the_configured_folders_to_the_system_ones(monkeypatch, tmp_path):
    monkeypatch.setenv("HNTAI_DENIED_PATHS", os.pathsep.join([str(tmp_path / "a"), "",
                                                               str(tmp_path / "b")]))
    roots = denied_roots()
    for system in ("/etc", "/proc", "/sys", "/dev", "/boot", "/root", "/var/lib"):
        assert Path(system) in roots
    assert tmp_path / "a" in roots and tmp_path / "b" in roots


@pytest.mark.parametrize(("raw", "stored"), [
    (os.fsdecode(b"r\xe9sum\xe9 scan.pdf"), "r\\xe9sum\\xe9 scan.pdf"),  # Latin-1 bytes
    ("line one\nline two.txt", "line one\\u000aline two.txt"),
    ("invoice\u202etxt.exe", "invoice\\u202etxt.exe"),  # right-to-left override
    ("zero\u200bwidth.txt", "zero\\u200bwidth.txt"),
    ("back\\slash.txt", "back\\\\slash.txt"),
    ("Größe – Befund.pdf", "Größe – Befund.pdf"),  # printable Unicode stays as it is
    ("", "document"),
])
def test_stored_names_are_printable_and_escaped(raw, stored):
    assert stored_name(raw) == stored
    stored_name(raw).encode("utf-8")  # never a UnicodeEncodeError in the store
