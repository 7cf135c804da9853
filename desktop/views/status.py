"""The status bar: engine state, who is signed in, device, loaded models and memory."""

from __future__ import annotations

from desktop.qt import QtWidgets
from engine import protocol as p

GIB = 1024 ** 3


def device_text(memory: dict) -> str:
    if memory.get("device") == "cuda":
        total = memory.get("vram_total_bytes") or 0
        return f"GPU (CUDA, {total / GIB:.0f} GiB)"
    return "CPU"


def models_text(models: tuple) -> str:
    if not models:
        return "no model loaded"
    return ", ".join(f"{m['name']} ({m['device']})" for m in models)


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

    def set_engine(self, text: str, ok: bool) -> None:
        self.engine_ok = ok
        colour = "#2e8b57" if ok else "#c0392b"
        self.engine.setText(f"<span style='color:{colour}'>●</span> {text}")
        self.engine.setToolTip(text)

    def show_status(self, status: p.EngineStatus) -> None:
        self.set_engine(f"Engine ready (pid {status.pid})" if status.store_ok is not False
                        else "Engine running, store unhealthy", status.store_ok is not False)
        self.user.setText(f"{status.user} · {status.role}" if status.user else "signed out")
        self.device.setText(device_text(dict(status.memory)))
        self.models.setText(models_text(status.models))
        self.models.setToolTip(models_text(status.models))
        memory = status.memory
        used = memory.get("used_percent", 0)
        rss = memory.get("engine_rss_bytes", 0) / GIB
        self.memory.setText(f"RAM {used:.0f}% used · engine {rss:.1f} GiB")
