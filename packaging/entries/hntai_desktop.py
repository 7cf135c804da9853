"""Frozen entry of the desktop app (desktop/__main__.py:main; it calls freeze_support, so
that the engine child it spawns from this executable runs the engine, not a second window)."""

import sys

from desktop.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
