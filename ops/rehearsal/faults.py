"""What the SaaS fakes share about injected faults: the first one still armed for a request takes it."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import Protocol, TypeVar


class _Armed(Protocol):
    method: str
    path: str  # a regex the request path must match in full
    times: int


F = TypeVar("F", bound=_Armed)


def take_fault(faults: Sequence[F], lock: threading.Lock | threading.RLock, method: str, path: str) -> F | None:
    """The first fault for `method` and `path` with uses left, one use spent; None when none is armed."""
    with lock:
        for fault in faults:
            if fault.times > 0 and fault.method == method and re.fullmatch(fault.path, path):
                fault.times -= 1
                return fault
    return None
