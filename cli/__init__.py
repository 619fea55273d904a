"""The `loracord` command line: the one place that may import every other package.

`cli.main` builds the parser from the subcommand modules listed there (imported explicitly, so a broken
import is an error naming the module, never a missing subcommand), loads the settings once and
dispatches. Each subcommand module (`cli.train`, `cli.queue`, `cli.bot`, ...) has `register(subparsers)`.
"""
