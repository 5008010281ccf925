"""What the SaaS fakes share about injected faults: the first one still armed for a request takes it."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar


@dataclass
class Fault:
    """One misbehaviour for requests matching `method` and `path` (regex, full match), `times` times.

    Kinds every fake answers (ops/rehearsal/fake_http.py): "429" (`Retry-After: retry_after`), "500",
    "502", "redirect" (`status` with `Location: location`), "body" (`status` with `payload`), "hang" or
    "timeout" (wait `delay` seconds or until `released`, setting `reached` first, then answer), "drop"
    (close the connection unanswered). `commit`: the request is applied first, so a lost or late reply
    follows a change the API did make.
    """

    method: str
    path: str
    kind: str
    times: int = 1
    commit: bool = False
    status: int = 302
    location: str = ""
    retry_after: str = "1"
    delay: float = 5.0
    payload: Any = None
    reached: threading.Event = field(default_factory=threading.Event, repr=False)
    released: threading.Event = field(default_factory=threading.Event, repr=False)


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
