"""The HTTP side of `ops verify`: one request as an `Outcome` (never raising), and the wait for health to answer."""

from __future__ import annotations

import http.client
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ops.verify.progress import Progress
from ops.verify.target import Target, redact_userinfo

MAX_BODY_BYTES = 1_000_000


# Answers a platform proxy gives while a new deploy is still starting; anything
# else (including a 500 from the app itself) means "up", so waiting is pointless.
STARTING_STATUSES = frozenset({502, 503, 504})


@dataclass
class Outcome:
    """One HTTP request: `status` is None when no HTTP answer arrived."""

    status: int | None
    elapsed: float
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None
    tls_error: bool = False


def ssl_context(ca_file: str | None):
    return ssl.create_default_context(cafile=ca_file)


def _origin(url: str) -> tuple[str, str | None, int | None]:
    parts = urlsplit(url)
    return parts.scheme, parts.hostname, parts.port or {"http": 80, "https": 443}.get(parts.scheme)


def _redirect_handler():
    """Follow redirects, but carry the Basic auth header only to the same scheme, host and port."""

    class SameOriginAuth(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, req, fp, code, msg, headers, newurl):
            new = super().redirect_request(req, fp, code, msg, headers, newurl)
            if new is not None and _origin(newurl) != _origin(req.full_url):
                new.headers.pop("Authorization", None)
            return new

    return SameOriginAuth()


def fetch(url: str, target: Target, ctx, timeout: float) -> Outcome:
    headers = {"User-Agent": "kitchen-kontrol-verify/1", "Accept": "*/*"}
    if target.auth_header:
        headers["Authorization"] = target.auth_header
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=ctx), _redirect_handler())
    start = time.perf_counter()
    try:
        # S310: only http(s) URLs get here, `_split_credentials` refused every other scheme.
        with opener.open(urllib.request.Request(url, headers=headers), timeout=timeout) as resp:  # noqa: S310
            body = resp.read(MAX_BODY_BYTES)
            return Outcome(resp.status, time.perf_counter() - start, dict(resp.headers.items()), body)
    except urllib.error.HTTPError as exc:  # 4xx/5xx still are answers
        body = exc.read(MAX_BODY_BYTES) if exc.fp else b""
        return Outcome(exc.code, time.perf_counter() - start, dict(exc.headers.items()), body)
    except urllib.error.URLError as exc:
        reason = exc.reason
        is_tls = isinstance(reason, ssl.SSLError)
        text = getattr(reason, "verify_message", None) or getattr(reason, "strerror", None) or str(reason)
        return Outcome(None, time.perf_counter() - start, error=redact_userinfo(str(text)), tls_error=is_tls)
    except (OSError, http.client.HTTPException) as exc:  # timeouts, resets, bad status lines
        return Outcome(None, time.perf_counter() - start, error=redact_userinfo(str(exc) or type(exc).__name__))


def wait_for_health(
    target: Target, ctx, deadline_s: float, timeout: float, progress: Progress | None = None
) -> tuple[Outcome, int, float]:
    """Poll health with backoff until it answers or the deadline passes.

    Returns the last outcome, the number of attempts and the seconds waited.
    Connection errors and 502/503/504 mean "not up yet"; any other answer,
    including a TLS failure, ends the wait so the checks can judge it.
    """
    start = time.monotonic()
    delay, attempts = 0.5, 0
    while True:
        attempts += 1
        remaining = deadline_s - (time.monotonic() - start)
        outcome = fetch(target.health_url, target, ctx, max(0.5, min(timeout, remaining)))
        starting = (outcome.status is None and not outcome.tls_error) or outcome.status in STARTING_STATUSES
        elapsed = time.monotonic() - start
        remaining = deadline_s - elapsed
        if progress:
            progress.state = f"{attempts_text(attempts)}, {elapsed:.1f} s of {deadline_s:g} s"
        if not starting or remaining <= 0:
            return outcome, attempts, elapsed
        if progress:
            why = outcome.error if outcome.status is None else f"HTTP {outcome.status}"
            progress.note(f"not up yet ({why}); attempt {attempts}, {elapsed:.1f} s of {deadline_s:g} s")
        time.sleep(min(delay, remaining))
        delay = min(delay * 2, 15.0)


def attempts_text(n: int) -> str:
    return "1 attempt" if n == 1 else f"{n} attempts"
