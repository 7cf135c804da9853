"""The status bar: engine state, who is signed in, device, loaded models and memory."""

from __future__ import annotations

from desktop.qt import QtWidgets
from engine import protocol as p

GIB = 1024 ** 3


def device_text(memory: p.MemoryInfo) -> str:
    if memory.device == "cuda":
        return f"GPU (CUDA, {(memory.vram_total_bytes or 0) / GIB:.0f} GiB)"
    return "CPU"


def models_text(models: tuple[p.ModelStatus, ...], generating: str = "") -> str:
    """Loaded models, the one held by a job marked; the model writing a summary is named
    even before the next status poll lists it as loaded."""
    parts = []
    if generating and not any(m.name == generating for m in models):
        parts.append(f"{generating} (writing a summary)")
    for m in models:
        doing = (", writing a summary" if m.name == generating else
                 ", in use" if m.leases else "")
        parts.append(f"{m.name} ({m.device}{doing})")
    return ", ".join(parts) or "no model loaded"


class EngineStatusBar(QtWidgets.QStatusBar):
    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = QtWidgets.QLabel("Engine starting…")
        self.user = QtWidgets.QLabel("")
        self.device = QtWidgets.QLabel("")
        self.models = QtWidgets.QLabel("")
        self.memory = QtWidgets.QLabel("")
        for label, name in ((self.engine, "Engine state"), (self.user, "Signed-in user"),
                            (self.device, "Compute device"), (self.models, "Loaded models"),
                            (self.memory, "Memory")):
            label.setAccessibleName(name)
            self.addPermanentWidget(label)
        self.engine_ok = False
        self._loaded: tuple[p.ModelStatus, ...] = ()  # the models of the last status poll
        self._generating = ""

    def set_engine(self, text: str, ok: bool) -> None:
        self.engine_ok = ok
        colour = "#2e8b57" if ok else "#c0392b"
        self.engine.setText(f"<span style='color:{colour}'>●</span> {text}")
        self.engine.setToolTip(text)

    def show_status(self, status: p.EngineStatus) -> None:
        self.set_engine(f"Engine ready (pid {status.pid})" if status.store_ok is not False
                        else "Engine running, store unhealthy", status.store_ok is not False)
        self.user.setText(f"{status.user} · {status.role}" if status.user else "signed out")
        self.device.setText(device_text(status.memory))
        self._loaded = status.models
        self._show_models()
        memory = status.memory
        self.memory.setText(f"RAM {memory.used_percent:.0f}% used · "
                            f"engine {memory.engine_rss_bytes / GIB:.1f} GiB")

    def show_generating(self, model: str) -> None:
        """The summary view says which model writes now ("" once it stopped)."""
        self._generating = model
        self._show_models()

    def _show_models(self) -> None:
        text = models_text(self._loaded, self._generating)
        self.models.setText(text)
        self.models.setToolTip(text)
