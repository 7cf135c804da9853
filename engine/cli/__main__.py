"""``python -m engine.cli``, as the tests and the demo run it."""

import sys

from engine.cli.entry import main

sys.exit(main())
