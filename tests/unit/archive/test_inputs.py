"""Archive inputs: folder trees, CSV and JSON-lines manifests, note lines read back by byte
range, and source hashes that name no file."""

from __future__ import annotations

import json

import pytest

from engine.archive.inputs import FILE, NOTE, list_inputs, read_note, source_hash
from engine.errors import FileNotFound, InvalidRequest

KEY = b"k" * 32


def test_folder_tree_lists_files_once_and_skips_hidden(tmp_path):
    (tmp_path / "2019" / "smith_john").mkdir(parents=True)
    (tmp_path / "2019" / "smith_john" / "letter.pdf").write_bytes(b"%PDF")
    (tmp_path / "scan.png").write_bytes(b"png")
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "x.txt").write_text("x")
    (tmp_path / ".DS_Store").write_text("x")
    items = list_inputs(tmp_path, KEY)
    assert sorted(i.path for i in items) == sorted(
        [str(tmp_path / "2019" / "smith_john" / "letter.pdf"), str(tmp_path / "scan.png")])
    for item in items:
        assert item.kind == FILE and item.id == f"f-{item.source_hash[:24]}"
        assert "smith" not in item.id + item.source_hash
    # stable under the same key (resume), different under another (no dictionary attack)
    assert [i.id for i in list_inputs(tmp_path, KEY)] == [i.id for i in items]
    assert {i.id for i in list_inputs(tmp_path, b"o" * 32)}.isdisjoint(i.id for i in items)


def test_csv_manifest_with_and_without_header(tmp_path):
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "b.txt").write_text("b")
    with_header = tmp_path / "with.csv"
    with_header.write_text("mrn,path\n1,a.txt\n2,b.txt\n")
    bare = tmp_path / "bare.csv"
    bare.write_text(f"a.txt\n{tmp_path / 'b.txt'}\n")
    for manifest in (with_header, bare):
        paths = sorted(i.path for i in list_inputs(manifest, KEY))
        assert paths == [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]


def test_note_lines_are_read_back_by_byte_range(tmp_path):
    manifest = tmp_path / "notes.jsonl"
    notes = [{"id": "n1", "text": "Seen by Dr. Ölund — naïve note"}, {"id": 2, "text": "two"}]
    manifest.write_text("\n".join(json.dumps(n, ensure_ascii=False) for n in notes) + "\n\n",
                        encoding="utf-8")
    items = list_inputs(manifest, KEY)
    assert [i.id for i in items] == ["n1", "2"] and {i.kind for i in items} == {NOTE}
    assert [read_note(i) for i in items] == [n["text"] for n in notes]
    assert items[0].source_hash == source_hash(KEY, NOTE, "n1")


def test_jsonl_manifest_of_paths(tmp_path):
    (tmp_path / "a.txt").write_text("a")
    manifest = tmp_path / "paths.jsonl"
    manifest.write_text(json.dumps({"path": "a.txt"}) + "\n")
    [item] = list_inputs(manifest, KEY)
    assert item.kind == FILE and item.path == str(tmp_path / "a.txt")


@pytest.mark.parametrize(("lines", "problem"), [
    (['{"id": "a", "text": "x"}', '{"id": "a", "text": "y"}'], "same id"),
    (["not json"], "not JSON"),
    (['["a"]'], "must be an object"),
    (['{"id": "a"}'], '"path" or "id" and "text"'),
    (['{"text": "no id"}'], '"text" and an "id"'),
])
def test_bad_manifests_are_refused_without_quoting_them(tmp_path, lines, problem):
    manifest = tmp_path / "m.jsonl"
    manifest.write_text("\n".join(lines) + "\n")
    with pytest.raises(InvalidRequest) as refused:
        list_inputs(manifest, KEY)
    assert problem in refused.value.message
    assert "no id" not in str(refused.value.details)


def test_missing_or_unknown_input(tmp_path):
    with pytest.raises(FileNotFound):
        list_inputs(tmp_path / "absent", KEY)
    (tmp_path / "list.xlsx").write_bytes(b"x")
    with pytest.raises(InvalidRequest):
        list_inputs(tmp_path / "list.xlsx", KEY)
