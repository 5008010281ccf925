"""One step of the first-deploy checklist and its states."""

from __future__ import annotations

from dataclasses import dataclass

DONE, TODO, MANUAL = "done", "todo", "manual"


@dataclass(frozen=True)
class Step:
    title: str
    status: str  # done | todo | manual
    found: str  # what the check saw (the evidence), or why it cannot check
    action: str = ""  # the exact thing to do; empty when done
