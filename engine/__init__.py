"""HNTAI engine: everything that runs in the worker process (no Qt here)."""

__version__ = "0.1.0"
