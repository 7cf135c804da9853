"""Frozen entry of the ``hntai`` command (engine/cli/entry.py:main; it calls freeze_support)."""

import sys

from engine.cli import main

if __name__ == "__main__":
    sys.exit(main())
