"""What the rules could not judge during a preview, kept until the stack is analyzed.

The CLI runs one pack process per operation: Analyze once per resource, then AnalyzeStack once.
A rule that meets a value known only during the update records the resource here instead of
reporting it (one entry per resource made a first deploy's policy section 30 "can't run"
advisories long); ``checked-during-update`` turns the records into one note per rule when the
stack is analyzed, and forgets them.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable


class PreviewUnknowns:
    """Per rule, the resources (URNs, or a stack label) with a value the rule needs but cannot know yet."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # the SDK's gRPC server analyzes resources on several threads
        self._by_rule: dict[str, set[str]] = {}

    def record(self, rule: str, where: Iterable[str]) -> None:
        with self._lock:
            self._by_rule.setdefault(rule, set()).update(where)

    def take(self, in_stack: Collection[str]) -> dict[str, int]:
        """Resources per rule among ``in_stack`` (the analyzed stack's URNs; non-URN entries always
        count), sorted by rule; then forget everything, so the next operation starts empty."""
        with self._lock:
            taken, self._by_rule = self._by_rule, {}
        counts = {
            rule: sum(1 for w in where if w in in_stack or not w.startswith("urn:")) for rule, where in taken.items()
        }
        return {rule: n for rule, n in sorted(counts.items()) if n}


PREVIEW_UNKNOWNS = PreviewUnknowns()
