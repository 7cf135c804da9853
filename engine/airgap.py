"""Air-gapped by construction: the engine process refuses non-loopback network traffic.

A ``sys.addaudithook`` hook sees every ``socket.connect``/``socket.sendto``/DNS lookup in the
process — including those made inside libraries (model hubs, telemetry) — and raises before
any packet leaves. Hub libraries are also told to stay offline through their environment.
Blocked attempts are reported to a callback so the engine can audit them.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import socket
import sys
import threading
from collections.abc import Callable

from engine.errors import PermissionDenied

log = logging.getLogger("hntai.airgap")

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
}
_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", ""})
_installed = threading.Lock()
_state: dict[str, Callable[[str], None] | None] = {"reporter": None}


class NetworkBlocked(PermissionDenied, ConnectionRefusedError):
    """Raised inside the library that tried to connect; also an OSError so callers that
    handle network failures fail fast and cleanly."""


def is_loopback(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    if host.lower() in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _destination(event: str, args: tuple) -> object | None:
    """The host an event would reach, or None when the event is not outbound traffic."""
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        sock, address = args[0], args[-1]
        if getattr(sock, "family", None) not in (socket.AF_INET, socket.AF_INET6):
            return None  # Unix sockets and pipes (multiprocessing) are local by nature
        return address[0] if isinstance(address, tuple) and address else address
    if event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex"):
        return args[0]
    return None


def _hook(event: str, args: tuple) -> None:
    if not event.startswith("socket."):
        return
    host = _destination(event, args)
    if host is None or is_loopback(host):
        return
    reporter = _state["reporter"]
    if reporter is not None:
        reporter(event)
    log.warning("network_blocked", extra={"event": event})
    raise NetworkBlocked("network access is disabled on this workstation", {"event": event})


def install(reporter: Callable[[str], None] | None = None) -> None:
    """Install once per process (audit hooks cannot be removed)."""
    os.environ.update(OFFLINE_ENV)
    _state["reporter"] = reporter
    if _installed.acquire(blocking=False):
        sys.addaudithook(_hook)
