"""The engine's network guard, exercised in a child process (audit hooks are permanent)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from engine.airgap import is_loopback

SCRIPT = r"""
import socket, urllib.request
from engine import airgap
seen = []
airgap.install(seen.append)
for url in ("https://huggingface.co/api/models", "http://93.184.216.34/"):
    try:
        urllib.request.urlopen(url, timeout=30)
        print("REACHED", url)
    except Exception as exc:
        print("BLOCKED", type(exc).__name__, type(getattr(exc, "reason", None)).__name__)
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen()
client = socket.create_connection(server.getsockname())  # loopback stays allowed
client.close()
print("LOOPBACK_OK")
print("EVENTS", len(seen))
"""


def test_non_loopback_connections_fail_fast_and_are_reported():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                         timeout=60)
    lines = out.stdout.splitlines()
    # refused by the guard itself, before a DNS lookup or a connection could wait on a time-out
    assert lines.count("BLOCKED URLError NetworkBlocked") == 2, out.stdout + out.stderr
    assert "LOOPBACK_OK" in lines
    assert "EVENTS 2" in lines


@pytest.mark.parametrize(
    ("host", "expected"),
    [("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("localhost", True),
     (b"localhost", True), ("10.0.0.1", False), ("192.168.1.5", False),
     ("huggingface.co", False), ("8.8.8.8", False), (None, False)],
)
def test_is_loopback(host, expected):
    assert is_loopback(host) is expected
