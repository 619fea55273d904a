"""The one error type a subcommand raises for a user-facing failure."""


class CommandError(Exception):
    """A user-facing failure of a subcommand: printed as one clear line, exit status 2."""
