"""One HTTP client for every SaaS API this project calls: httpx for transport, tenacity for retries.

- Every attempt has one total deadline (`request_timeout`, never past the retry budget):
  connect, TLS, sending, headers and body together. httpx's own timeouts bound each socket
  operation only, so a server trickling a byte a second would hold a request open forever.
- Redirects are never followed by httpx. One that stays on the API's origin (scheme, host,
  port: so never from https to http) and keeps its method is followed here; any other is an
  error. The credential never leaves the API's origin; next-page links are held to it too.
- Retries (tenacity): 429 for every method after `Retry-After`; 5xx / network failures /
  unreadable replies for idempotent methods with exponential backoff and equal jitter; all
  within one retry budget. A write that may have been applied raises AmbiguousWriteError,
  and `write_once` looks the object up before it repeats the write.
- `pages` follows a listing (Link header `rel="next"`, or a service's own cursor) up to a page
  cap; a listing that loops or outgrows the cap is an error, never a silent partial answer.

Secret hygiene: the credential lives only in this object (never pickled) and is sent only in
the `Authorization` header. Text taken from a response is redacted *before* it is cut (`safe`).
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import httpx
import tenacity

from .errors import (
    AmbiguousWriteError,
    ApiError,
    ApiValidationError,
    AuthError,
    IncompleteListing,
    MissingCredentialError,
    NotFoundError,
    RetryBudgetExceeded,
)
from .replies import MAX_BODY, Backoff, Reply, TooLarge, Transient, error_text, link_next, read_capped, retry_after
from .secrets import Redactor
from .service import LOG, Limits, Service, origin, origin_text, validate_base_url
from .transport import DeadlineTransport, attempt_deadline, limiter_for

# httpcore logs every response's headers at DEBUG: a server reflecting the credential in a header
# would put it in a debug log, past `redact`. Nothing here needs httpcore's debug trace.
if logging.getLogger("httpcore").level < logging.INFO:
    logging.getLogger("httpcore").setLevel(logging.INFO)

MAX_DETAIL = 300  # longest text from a response in a message (after redaction)
MAX_FIELD = 80
MAX_REDIRECTS = 3
IDEMPOTENT = frozenset({"GET", "PUT", "PATCH", "DELETE", "HEAD"})
T = TypeVar("T")


class ApiClient:
    """One credential's access to one API. Subclasses refine `error_for` and `error_detail`.

    `sleep`, `clock` and `rng` are injectable so tests run without real waiting; `clock` drives
    the retry budget, while each attempt's own deadline is real time.
    """

    def __init__(
        self,
        service: Service,
        credential: str | None,
        base_url: str | None = None,
        *,
        limits: Limits | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.service = service
        self._credential = credential or None
        self.redact = Redactor([self._credential])
        self.base_url = validate_base_url(service, base_url or service.default_url)
        self._origin = origin(httpx.URL(self.base_url))
        self.limits = limits or Limits()
        self.sleep, self.clock, self.rng = sleep, clock, rng
        self._limiter = limiter_for(self.base_url)
        self._http = httpx.Client(
            transport=DeadlineTransport(),
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(self.limits.request_timeout),
            headers={"Accept": "application/json", "User-Agent": service.user_agent},
        )

    def __repr__(self) -> str:  # never show the credential
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def __reduce__(self):  # a client must never end up in a pickle (state)
        raise TypeError(f"{type(self).__name__} is per-process state and cannot be pickled")

    def close(self) -> None:
        self._http.close()

    @property
    def request_timeout(self) -> float:
        return self.limits.request_timeout

    @property
    def retry_budget(self) -> float:
        return self.limits.retry_budget

    def deadline(self) -> float:
        return self.clock() + self.limits.retry_budget

    def safe(self, text: Any, limit: int = MAX_DETAIL) -> str:
        """Text from a response, fit for a message: redacted first, then cut to `limit` (the other
        order could cut the credential in two and leave a piece nobody would recognise)."""
        text = self.redact(str(text))
        return text if len(text) <= limit else text[: limit - 1] + "…"

    def _spent(self, what: str, detail: str) -> RetryBudgetExceeded:
        return RetryBudgetExceeded(
            f"{self.service.name} {what}: {detail}. Raise {self.service.retry_setting} to wait longer."
        )

    # -- the public calls ------------------------------------------------------

    def retrying(self, what: str, deadline: float, retry_on: type[Exception] = Transient) -> tenacity.Retrying:
        """A tenacity loop for one logical operation: backoff (or the server's Retry-After) between
        attempts, and a budget: when the next wait would end past `deadline`, give up at once."""

        def out_of_budget(state: tenacity.RetryCallState) -> bool:
            return state.upcoming_sleep >= deadline - self.clock()

        def give_up(state: tenacity.RetryCallState) -> None:
            raise self._spent(
                what,
                f"gave up after {state.attempt_number} attempt(s) within the {self.retry_budget:g}s retry "
                f"budget (next wait {state.upcoming_sleep:.1f}s); last error: "
                + self.redact(str(state.outcome.exception())),
            )

        def log_retry(state: tenacity.RetryCallState) -> None:
            error = self.redact(str(state.outcome.exception()))
            LOG.warning("%s %s: %s; retrying in %.1fs", self.service.name, what, error, state.upcoming_sleep)

        return tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(retry_on),
            wait=Backoff(lambda: self.rng()),
            stop=out_of_budget,
            sleep=lambda seconds: self.sleep(seconds),
            before_sleep=log_retry,
            retry_error_callback=give_up,
        )

    def request(self, method: str, path: str | httpx.URL, body: Any = None, *, query=None, deadline=None) -> Any:
        """One logical request; parsed JSON of a 2xx answer (None when empty), else `error_for`."""
        reply = self.send(method, path, body, query=query, deadline=deadline)
        if not reply.ok:
            raise self.error_for(reply)
        return reply.data

    def send(self, method: str, path: str | httpx.URL, body: Any = None, *, query=None, deadline=None) -> Reply:
        """One logical request; its final reply, whatever the status (after retries).

        Retries 429 for every method (the server did nothing), and 5xx / network failures only
        for idempotent methods; a write that fails ambiguously raises AmbiguousWriteError.
        """
        if not self._credential:
            raise MissingCredentialError(
                f"No {self.service.name} {self.service.credential_name}: {self.service.credential_help}."
            )
        method = method.upper()
        url = self._url(path, query)
        what = f"{method} {self._shown(url)}"  # no query string: it may carry a monitored URL or an email
        deadline = self.deadline() if deadline is None else deadline
        for attempt in self.retrying(what, deadline):
            with attempt:
                return self._attempt(method, url, body, what, deadline)
        raise AssertionError("unreachable: tenacity returns or raises")  # pragma: no cover

    def write_once(self, what: str, deadline: float, write: Callable[[], T], applied: Callable[[], T | None]) -> T:
        """`write()`, but never twice for one change: before each repeat after an ambiguous failure
        (a lost reply, a 5xx, garbage), `applied()` looks the change up; if it is there, that is
        the answer. Re-sending blindly could leave a duplicate."""
        for attempt in self.retrying(what, deadline, retry_on=AmbiguousWriteError):
            with attempt:
                if attempt.retry_state.attempt_number > 1:
                    found = applied()
                    if found is not None:
                        LOG.warning("%s %s: the unanswered request had been applied", self.service.name, what)
                        return found
                return write()
        raise AssertionError("unreachable: tenacity returns or raises")  # pragma: no cover

    def pages(
        self,
        path: str,
        *,
        query: dict[str, str] | None = None,
        deadline: float,
        noun: str = "items",
        consequence: str = "nothing was changed",
        next_page: Callable[[Reply, httpx.URL], httpx.URL | None] = link_next,
    ) -> Iterator[Any]:
        """Each page of a listing, in order, up to `limits.max_pages`. A listing that cannot be
        read to its end raises: callers decide on the whole listing, never on part of it."""
        url: httpx.URL | None = self._url(path, query)
        seen: set[str] = set()
        number = 0
        while url is not None:
            if number >= self.limits.max_pages:
                raise IncompleteListing(
                    f"{self.service.name} GET {path}: more than {self.limits.max_pages} pages of {noun}, "
                    f"the cap ({self.service.pages_setting}), {consequence}"
                )
            seen.add(str(url))
            try:
                reply = self.send("GET", url, deadline=deadline)
            except RetryBudgetExceeded as exc:
                raise RetryBudgetExceeded(
                    f"{self.service.name}: read {number} page(s) of {noun} without reaching the last, "
                    f"{consequence}. {exc}"
                ) from None
            if not reply.ok:
                raise self.error_for(reply)
            number += 1
            yield reply.data
            url = next_page(reply, url)
            if url is not None and str(url) in seen:
                raise IncompleteListing(
                    f"{self.service.name} GET {path}: page {number} points back to an earlier page; the "
                    f"listing never ends, {consequence}"
                )

    # -- what a reply means (subclasses refine) ----------------------------------

    def error_detail(self, raw: bytes) -> tuple[str, str | None]:
        """A short message and the field it names, out of an error body; both `safe`."""
        message, field = error_text(raw)
        return self.safe(message), None if field is None else self.safe(field, MAX_FIELD)

    def error_for(self, reply: Reply) -> ApiError:
        """The error a final non-2xx reply stands for."""
        message, field = self.error_detail(reply.raw)
        name, what, status = self.service.name, reply.what, reply.status
        if status == 401:
            return AuthError(
                f"{name} rejected the {self.service.credential_name} (401: {message}); {self.service.credential_help}.",
                status=401,
            )
        if status in (404, 410):
            return NotFoundError(f"{name} {what}: not found ({status})", status=status)
        if status in (400, 422):
            named = f"field '{field}'" if field else "a field it did not name"
            return ApiValidationError(
                f"{name} rejected {named} in {what} ({status}): {message}", status=status, field=field
            )
        return ApiError(f"{name} {what} failed ({status}): {message}", status=status)

    # -- internals -------------------------------------------------------------

    def _url(self, path: str | httpx.URL, query: dict[str, str] | None = None) -> httpx.URL:
        if isinstance(path, httpx.URL):
            if origin(path) != self._origin:
                raise ApiError(
                    f"{self.service.name}: a next-page link points to {self.safe(origin_text(path), 120)}, away from "
                    f"{origin_text(httpx.URL(self.base_url))}; not followed, so the credential stays there"
                )
            return path
        return httpx.URL(self.base_url + path, params=query)

    def _shown(self, url: httpx.URL) -> str:
        base = httpx.URL(self.base_url).path.rstrip("/")
        return url.path[len(base) :] if url.path.startswith(base) else url.path

    def _attempt(self, method: str, url: httpx.URL, body: Any, what: str, deadline: float) -> Reply:
        wait = self._limiter.reserve(self.clock(), self.limits.requests_per_minute)
        if wait > 0:
            if wait >= deadline - self.clock():
                raise self._spent(
                    what,
                    f"the client-side rate limit ({self.service.rate_setting} = {self.limits.requests_per_minute:g}) "
                    f"would wait {wait:.1f}s, past the {self.retry_budget:g}s retry budget",
                )
            LOG.info("%s %s: client-side rate limit, waiting %.1fs", self.service.name, what, wait)
            self.sleep(wait)
        content = None if body is None else json.dumps(body).encode()
        idempotent = method in IDEMPOTENT
        for _hop in range(MAX_REDIRECTS + 1):
            status, headers, raw = self._exchange(method, url, content, what, idempotent, deadline)
            if not 300 <= status < 400:
                return self._judge(Reply(status, headers, raw, what), idempotent)
            url = self._redirect_target(method, what, status, headers, url)
        raise ApiError(f"{self.service.name} {what}: more than {MAX_REDIRECTS} redirects", status=status)

    def _ambiguous(self, what: str, msg: str, status: int | None = None) -> AmbiguousWriteError:
        return AmbiguousWriteError(
            f"{self.service.name} {what}: {msg}; the request may have been applied", status=status
        )

    def _exchange(self, method, url, content, what, idempotent, deadline):
        """One HTTP exchange within one total deadline; returns (status, headers, body)."""
        headers = {"Authorization": f"{self.service.auth_scheme} {self._credential}"}
        if content is not None:
            headers["Content-Type"] = "application/json"
        timeout = min(self.request_timeout, deadline - self.clock())
        if timeout <= 0:
            raise self._spent(what, f"the {self.retry_budget:g}s retry budget of this operation is spent")
        try:
            with attempt_deadline(time.monotonic() + timeout):
                request = self._http.build_request(method, url, content=content, headers=headers)
                response = self._http.send(request, stream=True)
                try:
                    raw = read_capped(response)
                finally:
                    response.close()
        except httpx.RequestError as exc:  # transport failures, and a body that does not decode
            never_sent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
            if isinstance(exc, httpx.TimeoutException):
                msg = f"no complete answer within {timeout:.3g}s ({type(exc).__name__})"
            else:
                msg = f"network error ({type(exc).__name__}: {self.safe(exc) or 'no detail'})"
            if idempotent or never_sent:
                raise Transient(msg) from None
            raise self._ambiguous(what, msg) from None
        except TooLarge:
            msg = f"a reply larger than {MAX_BODY // (1024 * 1024)} MiB"
            if idempotent:
                raise ApiError(f"{self.service.name} {what}: {msg}") from None
            raise self._ambiguous(what, msg) from None
        return response.status_code, response.headers, raw

    def _redirect_target(self, method, what, status, headers, url: httpx.URL) -> httpx.URL:
        name = self.service.name
        location = headers.get("Location")
        if not location:
            raise ApiError(f"{name} {what}: a {status} redirect without a Location", status=status)
        try:
            target = url.join(location)
        except httpx.InvalidURL:
            raise ApiError(f"{name} {what}: a {status} redirect to an invalid URL", status=status) from None
        if origin(target) != self._origin:
            raise ApiError(
                f"{name} {what}: the API redirected ({status}) to {self.safe(origin_text(target), 120)}; "
                f"only redirects within {origin_text(url)} are followed, so the credential stays there. "
                f"Check {self.service.url_setting}.",
                status=status,
            )
        if status not in (307, 308) and method != "GET":
            raise ApiError(
                f"{name} {what}: the API answered {status}, a redirect that would turn {method} into GET; not followed",
                status=status,
            )
        return target

    def _judge(self, reply: Reply, idempotent: bool) -> Reply:
        """A final reply, or the retryable / ambiguous failure it stands for."""
        status, what = reply.status, reply.what
        if reply.ok:
            try:
                reply.data = json.loads(reply.raw) if reply.raw.strip() else None
            except ValueError:
                msg = f"malformed JSON in a {status} response"
                if idempotent:
                    raise Transient(msg) from None
                raise self._ambiguous(what, msg) from None
            return reply
        if status == 429:
            message, _ = self.error_detail(reply.raw)
            raise Transient(f"rate limited (429): {message}", retry_after(reply.headers))
        if status >= 500:
            message, _ = self.error_detail(reply.raw)
            msg = f"server error ({status}): {message}"
            if idempotent:
                raise Transient(msg, retry_after(reply.headers, only_explicit=True))
            raise self._ambiguous(what, msg, status)
        return reply
