"""Allow ``python -m hngraph``."""

import sys

from hngraph.commands.main import main

sys.exit(main())
