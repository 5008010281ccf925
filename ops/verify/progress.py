"""A check's verdict and the progress lines `ops verify` prints: what the runner, the checks and the HTTP
layer all use, so none of them imports another to get it."""

from __future__ import annotations

import sys
from dataclasses import dataclass

PASS, FAIL, WARN, SKIP = "pass", "fail", "warn", "skip"


@dataclass
class Check:
    name: str
    status: str
    detail: str


class Progress:
    """One stderr line as each check starts and ends, and while the health wait goes on.

    Off with --quiet and whenever stderr is not a terminal (CI logs keep just the table).
    `current` and `state` say where a Ctrl-C landed.
    """

    def __init__(self, enabled: bool, stream=None):
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self.current: str | None = None
        self.state = ""

    def _line(self, text: str) -> None:
        if self.enabled:
            print(f"verify: {text}", file=self.stream, flush=True)

    def start(self, name: str, what: str) -> None:
        self.current, self.state = name, ""
        self._line(f"{name}: {what} ...")

    def note(self, text: str) -> None:
        self._line(f"{self.current}: {text}")

    def end(self, check: Check) -> Check:
        self._line(f"{check.name}: {check.status.upper()} {check.detail}")
        self.current, self.state = None, ""
        return check
