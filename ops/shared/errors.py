"""Errors the `ops` commands turn into messages and exit codes."""


class UsageError(Exception):
    """A wrong flag, argument or input file: printed as one line, exit code 2."""


class Failure(Exception):
    """Something broke that is not the user's input (a bug in the program, a crashed policy pack): exit 1.

    `str()` is the one-line reason; `details` is what helps find the cause (the traceback trimmed to the
    project's files), `full` is everything (`--debug`). All three are already redacted.
    """

    def __init__(self, message: str, details: str = "", full: str = "") -> None:
        super().__init__(message)
        self.details = details
        self.full = full or details

    def report(self, debug: bool = False) -> str:
        body = self.full if debug else self.details
        return f"error: {self}" + (f"\n{body.rstrip()}" if body else "")
