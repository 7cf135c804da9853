"""Structured JSON-lines logs in the data directory, rotated by size.

Log calls pass identifiers and counts only (``extra={"job_id": ...}``); never document text,
file names or PHI. Exceptions are logged by type and traceback location, without their
message, since library messages can echo document content.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import time
import traceback
from pathlib import Path

LOG_FILE = "engine.log"
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonLineFormatter(logging.Formatter):
    converter = time.gmtime

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            # Which engine wrote the line: a restarted engine, or one refused because another
            # holds the store, writes to the same file.
            "pid": record.process,
            "event": record.msg if isinstance(record.msg, str) else type(record.msg).__name__,
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info and record.exc_info[0] is not None:
            frames = traceback.extract_tb(record.exc_info[2])
            entry["exception"] = record.exc_info[0].__name__
            entry["where"] = [f"{Path(f.filename).name}:{f.lineno}:{f.name}" for f in frames]
        return json.dumps(entry, default=str)


def setup_logging(data_dir: Path, level: int = logging.INFO) -> Path:
    """Send the ``hntai`` loggers to ``<data_dir>/logs/engine.log`` (5 × 5 MB)."""
    log_dir = data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    handler = logging.handlers.RotatingFileHandler(
        log_dir / LOG_FILE, maxBytes=5 * 1024 * 1024, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(JsonLineFormatter())
    logger = logging.getLogger("hntai")
    logger.handlers[:] = [handler]
    logger.setLevel(level)
    logger.propagate = False
    return log_dir / LOG_FILE
