"""`python -m cli ...` is the `loracord` console script (worker children and tests use it)."""

from cli.main import run

run()
