"""``hntai-desktop`` and ``python -m desktop``."""

from __future__ import annotations

import multiprocessing
import sys


def main() -> int:
    multiprocessing.freeze_support()  # the engine is a spawned child, also in a frozen bundle
    from engine.secrets_env import take_secrets

    take_secrets()  # the window asks for passwords; a set HNTAI_PASSWORD must not be inherited
    from desktop.app import run

    return run(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
