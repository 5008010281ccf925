"""Reading replies: the final `Reply`, how long a server asks us to wait, error bodies of many shapes,
the next page of a listing, and the backoff between attempts."""

from __future__ import annotations

import email.utils
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import tenacity

MAX_BODY = 8 * 1024 * 1024  # a reply larger than this is not read to the end
BACKOFF_BASE = 1.0
BACKOFF_CAP = 30.0


@dataclass
class Reply:
    """A final answer: status, headers, the raw body, and its parsed JSON for a 2xx (`data`)."""

    status: int
    headers: httpx.Headers
    raw: bytes
    what: str  # "GET /monitors/5": how messages name the request
    data: Any = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class Transient(Exception):
    """Internal: a retryable failure; `delay` is the server's wish, if any."""

    def __init__(self, message: str, delay: float | None = None):
        super().__init__(message)
        self.delay = delay


class TooLarge(Exception):
    pass


class Backoff(tenacity.wait.wait_base):
    """The server's wish (Retry-After) if it gave one, else exponential backoff with equal jitter."""

    def __init__(self, rng: Callable[[], float]) -> None:
        self.rng = rng

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        delay = getattr(retry_state.outcome.exception(), "delay", None)
        if delay is not None:
            return delay
        # Equal jitter: never 0, never in lock-step with peers.
        ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (retry_state.attempt_number - 1))
        return ceiling / 2 + self.rng() * ceiling / 2


def read_capped(response: httpx.Response) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_bytes():  # decoded: a small gzip bomb counts at its real size
        size += len(chunk)
        if size > MAX_BODY:
            raise TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def retry_after(headers: httpx.Headers | None, only_explicit: bool = False) -> float | None:
    """Seconds the server asks us to wait: `Retry-After` (seconds or HTTP date), else (429 only)
    until `X-RateLimit-Reset` (epoch seconds); None when it says nothing."""
    value = headers.get("Retry-After") if headers else None
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
            except (TypeError, ValueError):
                pass
    if only_explicit:
        return None
    reset = headers.get("X-RateLimit-Reset") if headers else None
    if reset:
        try:
            return max(0.0, math.ceil(float(reset) - time.time()))
        except ValueError:
            pass
    return None


def error_text(raw: bytes) -> tuple[str, str | None]:
    """A message and a field name out of the many error body shapes (not yet redacted)."""
    try:
        body = json.loads(raw) if raw.strip() else {}
    except ValueError:
        return "unreadable error body", None
    if not isinstance(body, dict):
        return str(body), None
    field = None
    for key in ("field", "property", "parameter_name", "param"):
        if isinstance(body.get(key), str):
            field = body[key]
    details = body.get("details") or body.get("errors")
    if isinstance(details, dict):
        field = field or next(iter(details), None)
    elif isinstance(details, list):
        for item in details:
            if isinstance(item, dict):
                cand = item.get("field") or item.get("property") or item.get("path")
                if isinstance(cand, list):
                    cand = ".".join(str(p) for p in cand)
                if isinstance(cand, str):
                    field = field or cand.split(".")[0].split("[")[0]
    message = body.get("message") or body.get("detail") or body.get("error") or "no message"
    if isinstance(message, list):  # class-validator style: ["interval must not be less than 30", ...]
        message = "; ".join(str(m) for m in message)
    return str(message), field


def link_next(reply: Reply, url: httpx.URL) -> httpx.URL | None:
    """The `rel="next"` page of a Link header (RFC 8288), unless it says `results="false"`
    (Sentry always sends a next link, and marks the end that way)."""
    if "link" not in reply.headers:
        return None
    for link in httpx.Response(reply.status, headers=reply.headers).links.values():
        if link.get("rel") == "next" and link.get("results", "true") != "false" and link.get("url"):
            return url.join(link["url"])
    return None
