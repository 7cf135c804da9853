"""Progress of an archive run: a live line on a terminal, or JSON lines for scripts."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import TextIO


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m{rest % 60:02d}s"


class ArchiveProgress:
    """Documents per second over this run (resumed documents do not count) and the ETA."""

    def __init__(self, stream: TextIO, json_lines: bool, every_s: float = 0.5,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream, self.json_lines, self.every_s, self.clock = stream, json_lines, every_s, clock
        self.first: tuple[float, int] | None = None
        self.last_shown = float("-inf")
        self.shown = False

    def figures(self, done: int, total: int) -> dict[str, float | int | None]:
        now = self.clock()
        if self.first is None:
            self.first = (now, done)
        start, done_at_start = self.first
        elapsed = now - start
        rate = (done - done_at_start) / elapsed if elapsed > 0 else 0.0
        eta = (total - done) / rate if rate > 0 else None
        return {"done": done, "total": total, "docs_per_s": round(rate, 2),
                "eta_s": round(eta, 1) if eta is not None else None}

    def update(self, done: int, total: int) -> None:
        figures = self.figures(done, total)
        now = self.clock()
        if now - self.last_shown < self.every_s and done < total:
            return
        self.last_shown = now
        if self.json_lines:
            self.stream.write(json.dumps({"event": "progress", **figures}) + "\n")
        else:
            width = 30
            filled = width * done // max(total, 1)
            eta = figures["eta_s"]
            self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}  "
                              f"{figures['docs_per_s']:.1f} docs/s  "
                              f"ETA {_duration(eta) if eta is not None else '-'}   ")
            self.shown = True
        self.stream.flush()

    def finish(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
