"""Allow ``python -m hngraph``."""

import sys

from hngraph.cli import main

sys.exit(main())
