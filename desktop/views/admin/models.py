"""The models tab: installed models, loading and unloading them, bundle import."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop.engine_link import EngineLink
from desktop.qt import QtWidgets
from desktop.widgets import MARGINS, StatusLine, button, row_layout, table
from engine import protocol as p


class ModelsTab(QtWidgets.QWidget):
    HEADERS = ("Name", "Task", "Backend", "Default", "State", "Device", "Memory", "In use")

    def __init__(self, link: EngineLink) -> None:
        super().__init__()
        self.link = link
        self.models: list[p.ModelInfo] = []
        self.table = table(self.HEADERS, (220, 110, 90, 70, 90, 70, 90), "Models")
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.load_button = button("&Load", "Load the selected model into memory now",
                                  self.load_selected)
        self.unload_button = button("U&nload", "Free the memory the selected model uses",
                                    self.unload_selected)
        self.refresh_button = button("&Refresh", "Reload the list", self.refresh,
                                     shortcut="F5")
        self.import_button = button("&Import bundle…", "Verify a model bundle provisioned by "
                                    "IT and make its models usable", self.choose_bundle)
        self.busy = QtWidgets.QProgressBar()
        self.busy.setRange(0, 0)  # indeterminate: the engine reports no load progress
        self.busy.setFixedWidth(120)
        self.busy.setAccessibleName("Model operation in progress")
        self.busy.setToolTip("The engine is loading or unloading a model")
        self.busy.hide()
        self.status = StatusLine("Models status")
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(*MARGINS)
        layout.addLayout(row_layout(self.load_button, self.unload_button,
                                    self.refresh_button, self.import_button, self.busy))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self._working = False
        self._update_buttons()

    def refresh(self) -> None:
        self.link.call(p.ListModels()).success(self._show) \
            .failure(lambda e: self.status.failed("Loading the model list", e)).run()

    @staticmethod
    def state(model: p.ModelInfo) -> str:
        """A missing file is not a model waiting to be loaded: IT must provision it."""
        if model.loaded:
            return "Loaded"
        return "Not loaded" if model.installed else "Not installed"

    @classmethod
    def cells(cls, model: p.ModelInfo) -> tuple[str, ...]:
        loaded = model.loaded
        return (model.name, model.task, model.backend, "✓" if model.is_default else "",
                cls.state(model), loaded.device if loaded else "",
                f"{loaded.memory_bytes / 2**20:,.0f} MB" if loaded else "",
                str(loaded.leases) if loaded else "")

    def _show(self, models: list[p.ModelInfo]) -> None:
        selected = self.selected()
        self.models = models
        self.table.setRowCount(len(models))
        for row, model in enumerate(models):
            for column, text in enumerate(self.cells(model)):
                self.table.setItem(row, column, QtWidgets.QTableWidgetItem(text))
            if not model.installed:
                self.table.item(row, 4).setToolTip(
                    "The model's file is not on this workstation; IT provisions it "
                    "(Import bundle…).")
            if selected is not None and model.name == selected.name:
                self.table.selectRow(row)
        self._update_buttons()

    def selected(self) -> p.ModelInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.models[rows[0].row()] if rows else None

    def select(self, name: str) -> None:
        for row, model in enumerate(self.models):
            if model.name == name:
                self.table.selectRow(row)

    def _update_buttons(self) -> None:
        model = self.selected()
        loaded = bool(model and model.loaded)
        installed = bool(model and model.installed)
        self.load_button.setEnabled(not self._working and installed and not loaded)
        self.unload_button.setEnabled(not self._working and loaded)
        self.import_button.setEnabled(not self._working)

    def load_selected(self) -> None:
        model = self.selected()
        if model is not None:
            self._run(p.LoadModel(name=model.name), f"Loading {model.name}",
                      lambda info: f"Loaded {model.name} on {info.device}.")

    def unload_selected(self) -> None:
        model = self.selected()
        if model is not None:
            self._run(p.UnloadModel(name=model.name), f"Unloading {model.name}",
                      lambda done: f"Unloaded {model.name}." if done
                      else f"{model.name} was not loaded.")

    def choose_bundle(self) -> None:
        name, _ = QtWidgets.QFileDialog.getOpenFileName(
            self, "Import model bundle", str(Path.home()), "Model bundles (*.tar)")
        if name:
            self.import_bundle(Path(name))

    def import_bundle(self, bundle: Path) -> None:
        """Every file is checked against the bundle's SHA-256 manifest before anything is
        registered; a tampered bundle is refused with the failing file named."""
        self._run(p.ImportModels(path=str(bundle)), "Importing the model bundle",
                  lambda r: f"Imported {', '.join(r.models)} ({r.files} file(s)).")

    def _run(self, request: p.Request, doing: str, said: Callable[[Any], str]) -> None:
        """Loads take seconds: show that work is going on, keep the window responsive."""
        self._working = True
        self.busy.show()
        self.status.info(f"{doing}…")
        self._update_buttons()
        self.link.call(request).success(lambda value: self.status.ok(said(value))) \
            .failure(lambda e: self.status.failed(doing, e)).always(self._finished).run()

    def _finished(self) -> None:
        self._working = False
        self.busy.hide()
        self.refresh()
