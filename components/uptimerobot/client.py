"""HTTP client for UptimeRobot's v3 REST API (bearer token, JSON): httpx for transport, tenacity for retries.

Both are in the program's requirements, and the dynamic provider runs in the program's venv.

- Every attempt has one total deadline (`request_timeout`, and never past the retry budget):
  connect, TLS, sending, headers and body together. httpx's own timeouts bound each socket
  operation only, so a server trickling a byte a second would hold a request open forever.
- Redirects are never followed by httpx. One that stays on the API's origin (scheme, host,
  port) and keeps its method is followed here; any other is an error. So the
  `Authorization` header never leaves the API's origin.
- Retries (tenacity): 429 for every method after `Retry-After`, 5xx / network failures /
  unreadable replies for idempotent methods with exponential backoff and equal jitter, all
  within one retry budget; a POST that may have been applied raises AmbiguousWriteError.

Secret hygiene: the API key lives only in this object (never pickled: the provider keeps
clients in a per-process cache) and is sent only in the `Authorization` header. Every text
taken from a response is redacted *before* it is cut to length (`safe`), so a key echoed by
the server cannot survive, even in part, in errors or logs.
"""

from __future__ import annotations

import email.utils
import json
import logging
import math
import random
import time
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import tenacity

from .errors import (
    AmbiguousWriteError,
    ApiValidationError,
    AuthError,
    MissingApiKeyError,
    NotFoundError,
    PlanLimitError,
    RetryBudgetExceeded,
    UptimeRobotError,
)
from .transport import DeadlineTransport, attempt_deadline, limiter_for

LOG = logging.getLogger("components.uptimerobot")
# httpcore logs every response's headers at DEBUG: a server reflecting the key in a header would
# put it in a debug log, past `redact`. Nothing here needs httpcore's debug trace.
if logging.getLogger("httpcore").level < logging.INFO:
    logging.getLogger("httpcore").setLevel(logging.INFO)

DEFAULT_API_URL = "https://api.uptimerobot.com/v3"
DEFAULT_REQUEST_TIMEOUT = 30.0
DEFAULT_RETRY_BUDGET = 120.0
# The free plan allows 10 requests/minute (since July 2021); Pro users raise it.
DEFAULT_REQUESTS_PER_MINUTE = 10.0

# Never `pulumi config set --secret`: that writes the key into the stack file (README, Credentials).
KEY_HELP = "provide uptimerobot:apiKey from a Pulumi ESC environment, or export UPTIMEROBOT_API_KEY=<key>"

# Longest text from a response that goes into a message (after redaction), and the longest
# field name; a reply larger than MAX_BODY is not read to the end.
MAX_DETAIL = 300
MAX_FIELD = 80
MAX_BODY = 8 * 1024 * 1024
MAX_REDIRECTS = 3

_IDEMPOTENT = frozenset({"GET", "PUT", "PATCH", "DELETE", "HEAD"})
_BACKOFF_BASE = 1.0
_BACKOFF_CAP = 30.0


class _Transient(Exception):
    """Internal: a retryable failure; `delay` is the server's wish, if any."""

    def __init__(self, message: str, delay: float | None = None):
        super().__init__(message)
        self.delay = delay


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


class _Backoff(tenacity.wait.wait_base):
    """The server's wish (Retry-After) if it gave one, else exponential backoff with equal jitter."""

    def __init__(self, rng: Callable[[], float]) -> None:
        self.rng = rng

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        delay = getattr(retry_state.outcome.exception(), "delay", None)
        if delay is not None:
            return delay
        # Equal jitter: never 0, never in lock-step with peers.
        ceiling = min(_BACKOFF_CAP, _BACKOFF_BASE * 2 ** (retry_state.attempt_number - 1))
        return ceiling / 2 + self.rng() * ceiling / 2


class UptimeRobotClient:
    """One account's API access: retries, rate limit, bounded total wait.

    `sleep`, `clock` and `rng` are injectable so tests run without real waiting; `clock` drives
    the retry budget, while each attempt's own deadline is real time.
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
        api_fields: Mapping[str, str] | None = None,
    ) -> None:
        self._api_key = api_key or None
        # API (camelCase) field -> the resource property, so an API error names what the user wrote.
        self._api_fields = dict(api_fields or {})
        self.base_url = validate_api_url(base_url)
        self._origin = _origin(httpx.URL(self.base_url))
        self.request_timeout = request_timeout
        self.retry_budget = retry_budget
        self.requests_per_minute = requests_per_minute
        self.sleep = sleep
        self.clock = clock
        self.rng = rng
        self._limiter = limiter_for(self.base_url)
        self._http = httpx.Client(
            transport=DeadlineTransport(),
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(request_timeout),
            headers={"Accept": "application/json", "User-Agent": "kitchen-kontrol-infra-uptimerobot/2"},
        )

    def __repr__(self) -> str:  # never show the key
        return f"UptimeRobotClient(base_url={self.base_url!r})"

    def __reduce__(self):  # a client must never end up in a pickle (state)
        raise TypeError("UptimeRobotClient is per-process state and cannot be pickled")

    def close(self) -> None:
        self._http.close()

    # -- public helpers -------------------------------------------------

    def deadline(self) -> float:
        return self.clock() + self.retry_budget

    def redact(self, text: str) -> str:
        if self._api_key and self._api_key in text:
            text = text.replace(self._api_key, "***")
        return text

    def safe(self, text: Any, limit: int = MAX_DETAIL) -> str:
        """Text from a response, fit for a message: the key redacted first, then cut to `limit`.

        The other order could cut the key in two and leave a piece nobody would recognise.
        """
        text = self.redact(str(text))
        return text if len(text) <= limit else text[: limit - 1] + "…"

    def retrying(self, what: str, deadline: float, retry_on: type[Exception] = _Transient) -> tenacity.Retrying:
        """A tenacity loop for one logical operation: backoff (or the server's Retry-After) between
        attempts, and a budget: when the next wait would end past `deadline`, give up at once."""

        def out_of_budget(state: tenacity.RetryCallState) -> bool:
            return state.upcoming_sleep >= deadline - self.clock()  # no time would be left to try

        def give_up(state: tenacity.RetryCallState) -> None:
            raise RetryBudgetExceeded(
                self.redact(
                    f"UptimeRobot {what}: gave up after {state.attempt_number} attempt(s) within the "
                    f"{self.retry_budget:g}s retry budget (next wait {state.upcoming_sleep:.1f}s); last error: "
                    f"{state.outcome.exception()}. Raise uptimerobot:retryTimeoutSeconds to wait longer."
                )
            )

        def log_retry(state: tenacity.RetryCallState) -> None:
            LOG.warning(
                "UptimeRobot %s: %s; retrying in %.1fs",
                what,
                self.redact(str(state.outcome.exception())),
                state.upcoming_sleep,
            )

        return tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(retry_on),
            wait=_Backoff(lambda: self.rng()),
            stop=out_of_budget,
            sleep=lambda seconds: self.sleep(seconds),
            before_sleep=log_retry,
            retry_error_callback=give_up,
        )

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
        for attempt in self.retrying(what, deadline):
            with attempt:
                return self._attempt(method, path, body, query, what, deadline)
        raise AssertionError("unreachable: tenacity returns or raises")  # pragma: no cover

    # -- internals --------------------------------------------------------

    def _attempt(self, method, path, body, query, what, budget_deadline):
        wait = self._limiter.reserve(self.clock(), self.requests_per_minute)
        if wait > 0:
            if wait >= budget_deadline - self.clock():
                raise RetryBudgetExceeded(
                    f"UptimeRobot {what}: the client-side rate limit (uptimerobot:requestsPerMinute = "
                    f"{self.requests_per_minute:g}) would wait {wait:.1f}s, past the {self.retry_budget:g}s "
                    "retry budget. Raise uptimerobot:retryTimeoutSeconds to wait longer."
                )
            LOG.info("UptimeRobot %s: client-side rate limit, waiting %.1fs", what, wait)
            self.sleep(wait)
        url = httpx.URL(self.base_url + path, params=query)
        content = None if body is None else json.dumps(body).encode()
        idempotent = method in _IDEMPOTENT
        for _hop in range(MAX_REDIRECTS + 1):
            status, headers, raw = self._send(method, url, content, what, idempotent, budget_deadline)
            if not 300 <= status < 400:
                return self._handle(method, what, status, headers, raw, idempotent)
            url = self._redirect_target(method, what, status, headers, url)
        raise UptimeRobotError(f"UptimeRobot {what}: more than {MAX_REDIRECTS} redirects", status=status)

    def _send(self, method, url, content, what, idempotent, budget_deadline):
        """One HTTP exchange within one total deadline; returns (status, headers, body)."""
        headers = {"Authorization": f"Bearer {self._api_key}"}
        if content is not None:
            headers["Content-Type"] = "application/json"
        timeout = min(self.request_timeout, budget_deadline - self.clock())
        if timeout <= 0:
            raise RetryBudgetExceeded(
                f"UptimeRobot {what}: the {self.retry_budget:g}s retry budget of this operation is spent. "
                "Raise uptimerobot:retryTimeoutSeconds to wait longer."
            )
        try:
            with attempt_deadline(time.monotonic() + timeout):
                request = self._http.build_request(method, url, content=content, headers=headers)
                response = self._http.send(request, stream=True)
                try:
                    raw = _read_capped(response)
                finally:
                    response.close()
        except httpx.RequestError as exc:  # transport failures, and a body that does not decode
            never_sent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
            if isinstance(exc, httpx.TimeoutException):
                msg = f"no complete answer within {timeout:g}s ({type(exc).__name__})"
            else:
                msg = f"network error ({type(exc).__name__}: {self.safe(exc) or 'no detail'})"
            if idempotent or never_sent:
                raise _Transient(msg) from None
            raise AmbiguousWriteError(f"UptimeRobot {what}: {msg}; the request may have been applied") from None
        except _TooLarge:
            msg = f"a reply larger than {MAX_BODY // (1024 * 1024)} MiB"
            if idempotent:
                raise UptimeRobotError(f"UptimeRobot {what}: {msg}") from None
            raise AmbiguousWriteError(f"UptimeRobot {what}: {msg}; the request may have been applied") from None
        return response.status_code, response.headers, raw

    def _redirect_target(self, method, what, status, headers, url: httpx.URL) -> httpx.URL:
        location = headers.get("Location")
        if not location:
            raise UptimeRobotError(f"UptimeRobot {what}: a {status} redirect without a Location", status=status)
        try:
            target = url.join(location)
        except httpx.InvalidURL:
            raise UptimeRobotError(
                f"UptimeRobot {what}: a {status} redirect to an invalid URL", status=status
            ) from None
        if _origin(target) != self._origin:
            raise UptimeRobotError(
                f"UptimeRobot {what}: the API redirected ({status}) to {self.safe(_origin_text(target), 120)}; "
                f"only redirects within {_origin_text(url)} are followed, so the API key stays there. "
                "Check uptimerobot:apiUrl / UPTIMEROBOT_API_URL.",
                status=status,
            )
        if status not in (307, 308) and method != "GET":
            raise UptimeRobotError(
                f"UptimeRobot {what}: the API answered {status}, a redirect that would turn {method} into GET; "
                "not followed",
                status=status,
            )
        return target

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
            prop = self._api_fields.get(field or "", field)
            named = f"field '{prop}'" + (f" (API field '{field}')" if field and field != prop else "")
            if not field:
                named = "a field it did not name"
            raise ApiValidationError(
                f"UptimeRobot rejected {named} in {what} ({status}): {message}", status=status, field=prop
            )
        raise UptimeRobotError(f"UptimeRobot {what} failed ({status}): {message}", status=status)

    def _parse_error(self, raw: bytes) -> tuple[str, str | None]:
        """A short message and a field name out of the many error body shapes, both `safe`."""
        try:
            body = json.loads(raw) if raw.strip() else {}
        except ValueError:
            return "unreadable error body", None
        if not isinstance(body, dict):
            return self.safe(body), None
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
            if first in self._api_fields:
                field = first
        return self.safe(message), None if field is None else self.safe(field, MAX_FIELD)

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


class _TooLarge(Exception):
    pass


def _read_capped(response: httpx.Response) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_bytes():  # decoded: a small gzip bomb counts at its real size
        size += len(chunk)
        if size > MAX_BODY:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    default = {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host, url.port or default


def _origin_text(url: httpx.URL) -> str:
    scheme, host, port = _origin(url)
    return f"{scheme}://{host}:{port}"
