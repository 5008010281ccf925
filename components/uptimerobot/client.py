"""Stdlib HTTP client for UptimeRobot's v3 REST API (bearer token, JSON).

Why stdlib: the client runs inside Pulumi's dynamic-provider process, which only
has the program's venv; urllib keeps the dependency surface at zero.

Secret hygiene: the API key lives only in this object (never pickled: the
provider keeps clients in a per-process cache) and is sent only in the
`Authorization` header. Every message this module produces passes `_redact`,
so even a server echoing the header back cannot leak it into errors or logs.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import logging
import math
import random
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from collections.abc import Callable
from typing import Any

LOG = logging.getLogger("components.uptimerobot")

DEFAULT_API_URL = "https://api.uptimerobot.com/v3"
DEFAULT_REQUEST_TIMEOUT = 30.0
DEFAULT_RETRY_BUDGET = 120.0
# The free plan allows 10 requests/minute (since July 2021); Pro users raise it.
DEFAULT_REQUESTS_PER_MINUTE = 10.0

# Never `pulumi config set --secret`: that writes the key into the stack file (README, Credentials).
KEY_HELP = "provide uptimerobot:apiKey from a Pulumi ESC environment, or export UPTIMEROBOT_API_KEY=<key>"

# API (camelCase) field -> our resource property, so errors name what the user wrote.
API_FIELD_TO_PROP = {
    "friendlyName": "name",
    "assignedAlertContacts": "assigned_alert_contacts",
    "alertContactId": "assigned_alert_contacts",
    "httpMethodType": "http_method_type",
    "followRedirections": "follow_redirections",
    "checkSSLErrors": "check_ssl_errors",
    "interval": "interval",
    "timeout": "timeout",
    "url": "url",
    "type": "type",
    "value": "value",
    "threshold": "assigned_alert_contacts",
    "recurrence": "assigned_alert_contacts",
}

_IDEMPOTENT = frozenset({"GET", "PUT", "PATCH", "DELETE", "HEAD"})
_BACKOFF_BASE = 1.0
_BACKOFF_CAP = 30.0


class UptimeRobotError(Exception):
    """Any failure talking to UptimeRobot; `str()` is safe to show (no key)."""

    def __init__(self, message: str, *, status: int | None = None, field: str | None = None):
        super().__init__(message)
        self.status = status
        self.field = field


class MissingApiKeyError(UptimeRobotError):
    pass


class AuthError(UptimeRobotError):
    pass


class PlanLimitError(UptimeRobotError):
    pass


class ApiValidationError(UptimeRobotError):
    pass


class NotFoundError(UptimeRobotError):
    pass


class RetryBudgetExceeded(UptimeRobotError):
    pass


class AmbiguousWriteError(UptimeRobotError):
    """A POST may or may not have been applied (timeout, 5xx, unreadable reply).

    The caller must look the object up before retrying, or it risks a duplicate.
    """


class _Transient(Exception):
    """Internal: a retryable failure; `delay` is the server's wish, if any."""

    def __init__(self, message: str, delay: float | None = None):
        super().__init__(message)
        self.delay = delay


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


def _limiter_for(base_url: str) -> _RateLimiter:
    with _LIMITERS_LOCK:
        return _LIMITERS.setdefault(base_url, _RateLimiter())


def validate_api_url(url: str) -> str:
    """Accept https anywhere, plain http only on loopback (the key is in a header)."""
    parsed = urllib.parse.urlparse(url.strip())
    loopback = parsed.hostname in {"127.0.0.1", "localhost", "::1"}
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        raise UptimeRobotError(f"uptimerobot:apiUrl / UPTIMEROBOT_API_URL must be an http(s) URL, got {url!r}")
    if parsed.scheme == "http" and not loopback:
        raise UptimeRobotError(
            "uptimerobot:apiUrl / UPTIMEROBOT_API_URL must use https (plain http is only "
            "allowed for 127.0.0.1/localhost test servers), since the API key travels in a header"
        )
    return url.strip().rstrip("/")


class UptimeRobotClient:
    """One account's API access: retries, rate limit, bounded total wait.

    `sleep`, `clock` and `rng` are injectable so tests run without real waiting.
    """

    def __init__(
        self,
        api_key: str | None,
        base_url: str = DEFAULT_API_URL,
        *,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
        retry_budget: float = DEFAULT_RETRY_BUDGET,
        requests_per_minute: float = DEFAULT_REQUESTS_PER_MINUTE,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self._api_key = api_key or None
        self.base_url = validate_api_url(base_url)
        self.request_timeout = request_timeout
        self.retry_budget = retry_budget
        self.requests_per_minute = requests_per_minute
        self.sleep = sleep
        self.clock = clock
        self.rng = rng
        self._limiter = _limiter_for(self.base_url)

    def __repr__(self) -> str:  # never show the key
        return f"UptimeRobotClient(base_url={self.base_url!r})"

    def __reduce__(self):  # a client must never end up in a pickle (state)
        raise TypeError("UptimeRobotClient is per-process state and cannot be pickled")

    # -- public helpers -------------------------------------------------

    def deadline(self) -> float:
        return self.clock() + self.retry_budget

    def redact(self, text: str) -> str:
        if self._api_key and self._api_key in text:
            text = text.replace(self._api_key, "***")
        return text

    def backoff(self, attempt: int, deadline: float, what: str, last_error: str, delay: float | None = None) -> None:
        """Sleep before retry `attempt` (0-based), or give up if the budget is spent."""
        if delay is None:
            # Exponential with "equal jitter": never 0, never in lock-step with peers.
            ceiling = min(_BACKOFF_CAP, _BACKOFF_BASE * 2**attempt)
            delay = ceiling / 2 + self.rng() * ceiling / 2
        remaining = deadline - self.clock()
        if delay > remaining:
            raise RetryBudgetExceeded(
                self.redact(
                    f"UptimeRobot {what}: gave up after {attempt + 1} attempt(s) within the "
                    f"{self.retry_budget:g}s retry budget (next wait {delay:.1f}s); last error: {last_error}. "
                    "Raise uptimerobot:retryTimeoutSeconds to wait longer."
                )
            )
        LOG.warning("UptimeRobot %s: %s; retrying in %.1fs", what, self.redact(last_error), delay)
        self.sleep(delay)

    def request(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        query: dict[str, str] | None = None,
        deadline: float | None = None,
    ) -> Any:
        """Send one logical request; returns parsed JSON (None for an empty body).

        Retries 429 for every method (the server did nothing), and 5xx / network
        failures only for idempotent methods; a POST that fails ambiguously
        raises AmbiguousWriteError so the caller can look before re-posting.
        """
        if not self._api_key:
            raise MissingApiKeyError(f"No UptimeRobot API key: {KEY_HELP}.")
        method = method.upper()
        what = f"{method} {path}"  # no query string: it may carry the monitored URL
        deadline = self.deadline() if deadline is None else deadline
        attempt = 0
        while True:
            try:
                return self._attempt(method, path, body, query, what)
            except _Transient as exc:
                self.backoff(attempt, deadline, what, str(exc), exc.delay)
                attempt += 1

    # -- internals --------------------------------------------------------

    def _attempt(self, method, path, body, query, what):
        wait = self._limiter.reserve(self.clock(), self.requests_per_minute)
        if wait > 0:
            LOG.info("UptimeRobot %s: client-side rate limit, waiting %.1fs", what, wait)
            self.sleep(wait)
        url = self.base_url + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method)  # noqa: S310 (scheme checked)
        req.add_header("Authorization", f"Bearer {self._api_key}")
        req.add_header("Accept", "application/json")
        req.add_header("User-Agent", "kitchen-kontrol-infra-uptimerobot/1")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        idempotent = method in _IDEMPOTENT
        try:
            with urllib.request.urlopen(req, timeout=self.request_timeout) as resp:  # noqa: S310 (scheme checked)
                status, headers, raw = resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as exc:
            status, headers = exc.code, exc.headers
            try:
                raw = exc.read()
            except (OSError, http.client.HTTPException):
                raw = b""
        except (TimeoutError, ConnectionError, http.client.HTTPException, urllib.error.URLError) as exc:
            reason = getattr(exc, "reason", exc)
            never_sent = isinstance(reason, ConnectionRefusedError)
            msg = f"network error ({type(reason).__name__}: {self.redact(str(reason)) or 'no detail'})"
            if idempotent or never_sent:
                raise _Transient(msg) from None
            raise AmbiguousWriteError(f"UptimeRobot {what}: {msg}; the request may have been applied") from None
        return self._handle(method, what, status, headers, raw, idempotent)

    def _handle(self, method, what, status, headers, raw, idempotent):
        if 200 <= status < 300:
            if not raw.strip():
                return None
            try:
                return json.loads(raw)
            except ValueError:
                msg = f"malformed JSON in a {status} response"
                if idempotent:
                    raise _Transient(msg) from None
                raise AmbiguousWriteError(f"UptimeRobot {what}: {msg}; the request may have been applied") from None
        message, field = self._parse_error(raw)
        if status == 429:
            raise _Transient(f"rate limited (429): {message}", self._retry_after(headers))
        if status >= 500:
            msg = f"server error ({status}): {message}"
            if idempotent:
                raise _Transient(msg, self._retry_after(headers, only_explicit=True))
            raise AmbiguousWriteError(f"UptimeRobot {what}: {msg}; the request may have been applied", status=status)
        if status == 401:
            raise AuthError(f"UptimeRobot rejected the API key (401: {message}); {KEY_HELP}.", status=401)
        if status in (404, 410):
            raise NotFoundError(f"UptimeRobot {what}: not found ({status})", status=status)
        if status == 403 or "limit" in message.lower():
            raise PlanLimitError(
                f"UptimeRobot refused {what} ({status}): {message}. This usually means a plan limit "
                "(monitor count, interval below 300 s, or threshold/recurrence on the free plan) "
                "or a read-only API key.",
                status=status,
            )
        if status in (400, 422):
            prop = API_FIELD_TO_PROP.get(field or "", field)
            named = f"field '{prop}'" + (f" (API field '{field}')" if field and field != prop else "")
            if not field:
                named = "a field it did not name"
            raise ApiValidationError(
                f"UptimeRobot rejected {named} in {what} ({status}): {message}", status=status, field=prop
            )
        raise UptimeRobotError(f"UptimeRobot {what} failed ({status}): {message}", status=status)

    def _parse_error(self, raw: bytes) -> tuple[str, str | None]:
        """Pull a short message and a field name out of the many error body shapes."""
        try:
            body = json.loads(raw) if raw.strip() else {}
        except ValueError:
            return "unreadable error body", None
        if not isinstance(body, dict):
            return self.redact(str(body)[:200]), None
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
        message = body.get("message") or body.get("error") or "no message"
        if isinstance(message, list):  # class-validator style: ["interval must not be less than 30", ...]
            message = "; ".join(str(m) for m in message)
        message = str(message)
        if field is None:
            first = message.split(" ", 1)[0].split(".")[0]
            if first in API_FIELD_TO_PROP:
                field = first
        return self.redact(message[:300]), field

    def _retry_after(self, headers, only_explicit: bool = False) -> float | None:
        value = headers.get("Retry-After") if headers else None
        if value:
            try:
                return max(0.0, float(value))
            except ValueError:
                try:  # HTTP-date form
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
