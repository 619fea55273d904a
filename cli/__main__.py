"""`python -m cli ...` is the `loracord` console script (worker children and tests use it)."""

import sys

from cli.main import main

sys.exit(main())
