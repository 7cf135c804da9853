"""What an archive run reads: a folder tree, or a manifest of paths or of ``{"id", "text"}``
note lines.

The driver lists inputs by name and position only: a file is read by the worker that
processes it, and a note by its manifest's byte range, so originals never pass through the
driver or Ray's object store. Every input gets a keyed hash of its source (the path under
the input, or the note's id) so rows can be told apart without a name, which carries PHI.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from engine.errors import FileNotFound, InvalidRequest

FILE, NOTE = "file", "note"
MANIFEST_SUFFIXES = (".csv", ".jsonl", ".ndjson")


@dataclass(frozen=True)
class ArchiveInput:
    """One document to process: a file at ``path``, or the note at ``path[offset:+length]``."""

    id: str
    source_hash: str
    kind: str  # FILE | NOTE
    path: str
    offset: int = 0
    length: int = 0


def source_hash(key: bytes, kind: str, name: str) -> str:
    """HMAC-SHA-256 under the run key: stable across a resumed run, useless without the key
    for guessing which file or note a row came from."""
    return hmac.new(key, f"{kind}\0{name}".encode("utf-8", "surrogateescape"),
                    hashlib.sha256).hexdigest()


def _file(key: bytes, path: Path, name: str) -> ArchiveInput:
    digest = source_hash(key, FILE, name)
    return ArchiveInput(id=f"f-{digest[:24]}", source_hash=digest, kind=FILE, path=str(path))


def _folder(key: bytes, root: Path) -> Iterator[ArchiveInput]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and not any(part.startswith(".") for part in
                                      path.relative_to(root).parts):
            yield _file(key, path, path.relative_to(root).as_posix())


def _csv_paths(manifest: Path) -> Iterator[str]:
    with manifest.open(newline="", encoding="utf-8") as fh:
        rows = csv.reader(fh)
        header = next(rows, None)
        if header is None:
            return
        column = header.index("path") if "path" in header else 0
        if "path" not in header:
            yield header[0]
        for row in rows:
            if row and row[column].strip():
                yield row[column].strip()


def _jsonl(key: bytes, manifest: Path) -> Iterator[ArchiveInput]:
    offset = 0
    with manifest.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            start, offset = offset, offset + len(raw)
            if not raw.strip():
                continue
            try:
                line = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise InvalidRequest("a manifest line is not JSON", {"line": number}) from None
            if not isinstance(line, dict):
                raise InvalidRequest("a manifest line must be an object", {"line": number})
            if "text" in line:  # a note: the worker reads it again by its byte range
                if not isinstance(line.get("id"), (str, int)) or not isinstance(line["text"],
                                                                                 str):
                    raise InvalidRequest('a note line needs a string "text" and an "id"',
                                         {"line": number})
                note_id = str(line["id"])
                yield ArchiveInput(id=note_id, source_hash=source_hash(key, NOTE, note_id),
                                   kind=NOTE, path=str(manifest), offset=start,
                                   length=len(raw))
            elif isinstance(line.get("path"), str):
                yield _file(key, _resolve(manifest, line["path"]), line["path"])
            else:
                raise InvalidRequest('a manifest line needs "path" or "id" and "text"',
                                     {"line": number})


def _resolve(manifest: Path, name: str) -> Path:
    path = Path(name).expanduser()
    return path if path.is_absolute() else manifest.parent / path


def list_inputs(source: Path, key: bytes) -> list[ArchiveInput]:
    """Every input under ``source``, each once; two inputs with one id is an error."""
    source = source.expanduser().resolve()
    if source.is_dir():
        found = list(_folder(key, source))
    elif not source.is_file():
        raise FileNotFound("the archive input does not exist")
    elif source.suffix.lower() == ".csv":
        found = [_file(key, _resolve(source, name), name) for name in _csv_paths(source)]
    elif source.suffix.lower() in (".jsonl", ".ndjson"):
        found = list(_jsonl(key, source))
    else:
        raise InvalidRequest("the archive input must be a folder or a .csv or .jsonl manifest",
                             {"suffixes": list(MANIFEST_SUFFIXES)})
    seen: set[str] = set()
    for number, item in enumerate(found, start=1):
        if item.id in seen:  # named by position only: an id may itself be an identifier
            raise InvalidRequest("two inputs of the manifest have the same id",
                                 {"input": number})
        seen.add(item.id)
    return found


def read_note(item: ArchiveInput) -> str:
    """The text of a note input, read from its manifest line."""
    with open(item.path, "rb") as fh:
        fh.seek(item.offset)
        raw = fh.read(item.length)
    return json.load(io.BytesIO(raw))["text"]
