"""One run of a command: its arguments, its data directory and the engine it starts lazily."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from engine import protocol as p
from engine.cli.prompts import password
from engine.client import EngineClient
from engine.errors import AuthFailed
from engine.paths import default_data_dir


class Session:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.data_dir = Path(args.data_dir).expanduser() if args.data_dir else default_data_dir()
        self._client: EngineClient | None = None

    @property
    def client(self) -> EngineClient:
        if self._client is None:
            self._client = EngineClient(self.data_dir).start()
        return self._client

    @property
    def json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    @property
    def live(self) -> bool:
        """Progress drawn on stderr: only for a person at a terminal reading text."""
        return sys.stderr.isatty() and not self.json

    def named_user(self) -> str | None:
        return self.args.user or os.environ.get("HNTAI_USER")

    def login(self) -> None:
        user = self.named_user()
        if not user:
            raise AuthFailed("name a user with --user or HNTAI_USER")
        self.client.request(p.Unlock(username=user, password=password(f"Password for {user}: ")))

    def ask(self, request: Any) -> Any:
        """Log in, send one request, return its reply."""
        self.login()
        return self.client.request(request)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
