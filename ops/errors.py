"""Errors the `ops` commands turn into one-line messages and exit codes."""


class UsageError(Exception):
    """A wrong flag, argument or input file: printed as one line, exit code 2."""
