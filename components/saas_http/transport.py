"""How requests reach a SaaS API: httpx over sockets bounded by one deadline per attempt, and a client-side
rate limit shared by every client of one API URL in the process."""

from __future__ import annotations

import contextlib
import contextvars
import threading
import time
from collections import deque
from collections.abc import Iterator
from typing import Any

import httpcore
import httpx

# monotonic() by which the current attempt must be done; set around each send.
_ATTEMPT_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("saas_http_deadline", default=None)


def _bounded(timeout: float | None, expired: type[Exception]) -> float | None:
    """The per-operation timeout, shortened to what is left of the attempt's deadline."""
    deadline = _ATTEMPT_DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise expired("the request's total deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's sync sockets, every connect/read/write bounded by the attempt's deadline."""

    def __init__(self) -> None:
        self._sync = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._sync.connect_tcp(host, port, bounded, local_address, socket_options))

    def connect_unix_socket(self, path, timeout=None, socket_options=None):  # pragma: no cover - not used
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._sync.connect_unix_socket(path, bounded, socket_options))

    def sleep(self, seconds: float) -> None:  # pragma: no cover - httpcore's connect retries are off
        self._sync.sleep(seconds)


class DeadlineTransport(httpx.HTTPTransport):
    """httpx's transport (request/response mapping, exception mapping) over the deadline backend.

    httpx has no public hook for a network backend, so the pool it built is swapped for one with
    ours; the trickle tests (tests/uptimerobot/test_transport.py) fail if a new httpx stops using `_pool`.
    """

    def __init__(self) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(), network_backend=_DeadlineBackend())


class _RateLimiter:
    """Sliding one-minute window shared by every client of one API URL in a process.

    Monitor and alert-contact providers run in the same plugin process; sharing
    the window keeps their combined rate under the plan's limit.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sent: deque[float] = deque()

    def reserve(self, now: float, per_minute: float) -> float:
        """Book a slot; return how long to wait before using it."""
        if per_minute <= 0:
            return 0.0
        limit = max(1, int(per_minute))
        with self._lock:
            while self._sent and self._sent[0] <= now - 60.0:
                self._sent.popleft()
            start = now
            if len(self._sent) >= limit:
                start = self._sent[-limit] + 60.0
            self._sent.append(start)
            return max(0.0, start - now)


_LIMITERS: dict[str, _RateLimiter] = {}
_LIMITERS_LOCK = threading.Lock()


def limiter_for(base_url: str) -> _RateLimiter:
    with _LIMITERS_LOCK:
        return _LIMITERS.setdefault(base_url, _RateLimiter())


@contextlib.contextmanager
def attempt_deadline(deadline: float) -> Iterator[None]:
    """Every socket operation inside ends by `deadline` (monotonic seconds)."""
    token = _ATTEMPT_DEADLINE.set(deadline)
    try:
        yield
    finally:
        _ATTEMPT_DEADLINE.reset(token)
