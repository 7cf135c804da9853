"""The ``hntai`` command: every stateful command goes through a real engine process.

Global options: ``--data-dir`` (or HNTAI_DATA_DIR), ``--user`` (or HNTAI_USER); the password
comes from HNTAI_PASSWORD (automation) or a prompt. Exit codes: 0 success, 1 some input
failed, 2 usage/authentication/engine error, 3 audit chain broken.

The commands are a table (commands.py) of rows (table.py: arguments, the requests, one
renderer per output form); entry.py builds the parser from it and runs one command.
"""

from engine.cli.entry import build_parser, main
from engine.cli.table import EXIT_AUDIT_BROKEN, EXIT_ERROR, EXIT_FAILED, EXIT_OK

__all__ = ["EXIT_AUDIT_BROKEN", "EXIT_ERROR", "EXIT_FAILED", "EXIT_OK", "build_parser", "main"]
