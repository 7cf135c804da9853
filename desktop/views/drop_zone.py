"""The drop zone: files and folders, many at once; wrong types are refused before submit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop.qt import Qt, QtCore, QtGui, QtWidgets, Signal
from desktop.theme import icon
from desktop.widgets import button
from engine.protocol import DOCUMENT_SUFFIXES

MAX_FILES_PER_DROP = 5000  # a dropped disk root should not queue the whole disk


@dataclass(frozen=True)
class Refused:
    path: Path
    reason: str


def sort_paths(paths: Iterable[Path]) -> tuple[list[Path], list[Refused]]:
    """Expand folders (hidden files skipped), keep files of a type HNTAI reads, in order."""
    accepted: list[Path] = []
    refused: list[Refused] = []
    for path in paths:
        files = sorted(f for f in path.rglob("*") if f.is_file()
                       and not any(part.startswith(".") for part in f.relative_to(path).parts)
                       ) if path.is_dir() else [path]
        for file in files:
            if len(accepted) >= MAX_FILES_PER_DROP:
                refused.append(Refused(file, f"more than {MAX_FILES_PER_DROP} files at once"))
            elif not file.exists():
                refused.append(Refused(file, "the file does not exist"))
            elif file.suffix.lower() not in DOCUMENT_SUFFIXES:
                refused.append(Refused(file, f"{file.suffix or 'no extension'}: not a type "
                                             "HNTAI reads"))
            elif file.stat().st_size == 0:
                refused.append(Refused(file, "the file is empty"))
            else:
                accepted.append(file)
    return accepted, refused


def dropped_paths(mime: QtCore.QMimeData) -> list[Path]:
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


NAMED_AT_MOST = 3  # a notice names a few files; the rest are counted


def summary_of(refused: list[Refused], shown: Sequence[str | None] | None = None) -> str:
    """One line naming each refused file by the name HNTAI may show: ``shown`` holds the
    engine's answer per file (None where the name may identify a patient, see
    engine/documents/file_names.py); without it no file is named."""
    names = list(shown) if shown is not None else [None] * len(refused)
    items = [f"{name or 'a file whose name may identify a patient'} ({r.reason})"
             for r, name in zip(refused, names, strict=True)]
    more = len(items) - NAMED_AT_MOST
    text = "; ".join(items[:NAMED_AT_MOST]) + (f"; and {more} more" if more > 0 else "")
    count = f"{len(refused)} file{'s' * (len(refused) != 1)}"
    return f"{count} not added — {text}."


class DropZone(QtWidgets.QFrame):
    """Emits the accepted files; reports refusals through ``refused``."""

    files_chosen = Signal(list)  # list[Path]
    refused = Signal(list)  # list[Refused]

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DropZone")
        self.setAcceptDrops(True)
        self.setAccessibleName("Drop zone: drop documents or folders here")
        self.setMinimumHeight(220)
        picture = QtWidgets.QLabel()
        picture.setPixmap(icon("drop").pixmap(64, 64))
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QtWidgets.QLabel("Drop documents here")
        title.setProperty("role", "title")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        kinds = sorted(set(DOCUMENT_SUFFIXES.values()))
        hint = QtWidgets.QLabel("Files or whole folders: " + ", ".join(kinds) + ".\n"
                                "Only the scrubbed text is kept.")
        hint.setProperty("role", "subtitle")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setWordWrap(True)
        self.choose = button("Choose files…", "Add documents from a folder (Ctrl+O)",
                             self.choose_files, "add", name="Choose files to add")
        layout = QtWidgets.QVBoxLayout(self)
        layout.addStretch(1)
        for widget in (picture, title, hint):
            layout.addWidget(widget)
        layout.addWidget(self.choose, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)

    def choose_files(self) -> None:
        patterns = " ".join(f"*{s}" for s in DOCUMENT_SUFFIXES)
        names, _ = QtWidgets.QFileDialog.getOpenFileNames(
            self, "Add documents", str(Path.home()), f"Documents ({patterns})")
        if names:
            self.take([Path(n) for n in names])

    def take(self, paths: list[Path]) -> None:
        accepted, refused = sort_paths(paths)
        if accepted:
            self.files_chosen.emit(accepted)
        if refused:  # after: submitting clears the previous drop's notice
            self.refused.emit(refused)

    def _hover(self, on: bool) -> None:
        self.setProperty("hover", on)
        self.style().polish(self)

    def dragEnterEvent(self, event: QtGui.QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
            self._hover(True)

    def dragLeaveEvent(self, event: QtGui.QDragLeaveEvent) -> None:
        self._hover(False)

    def dropEvent(self, event: QtGui.QDropEvent) -> None:
        self._hover(False)
        paths = dropped_paths(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.take(paths)
