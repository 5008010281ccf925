"""The checks of `ops verify`, each judging what the HTTP requests brought back (TLS makes its own handshake)."""

from __future__ import annotations

import json
import math
import socket
import ssl
import time
from collections import Counter
from urllib.parse import urlsplit

from ops.verify.http import Outcome, ssl_context
from ops.verify.progress import FAIL, PASS, SKIP, WARN, Check  # noqa: F401 - the statuses, importable from here
from ops.verify.target import Target, redact_userinfo

HOME_BUDGET_SECONDS = 2.0


CERT_WARN_DAYS = 14


def check_tls(target: Target, ca_file: str | None, timeout: float) -> Check:
    """Handshake with verification on; report days until the certificate expires."""
    parts = urlsplit(target.app_url)
    host, port = parts.hostname, parts.port or 443
    ctx = ssl_context(ca_file)
    try:
        with (
            socket.create_connection((host, port), timeout=timeout) as raw,
            ctx.wrap_socket(raw, server_hostname=host) as tls,
        ):
            cert = tls.getpeercert()
    except ssl.SSLCertVerificationError as exc:
        return Check("tls", FAIL, f"certificate not trusted: {exc.verify_message}")
    except ssl.SSLError as exc:
        hint = "; the server does not speak TLS on this port (plain HTTP?)" if _not_tls(exc) else ""
        return Check("tls", FAIL, f"TLS handshake failed: {redact_userinfo(str(exc))}{hint}")
    except OSError as exc:
        return Check("tls", FAIL, f"TLS handshake failed: {redact_userinfo(str(exc))}")
    expires = ssl.cert_time_to_seconds(cert["notAfter"])
    days = int((expires - time.time()) // 86400)
    when = time.strftime("%Y-%m-%d", time.gmtime(expires))
    if days < CERT_WARN_DAYS:
        return Check("tls", WARN, f"certificate valid but expires in {days} days ({when}); renew soon")
    return Check("tls", PASS, f"certificate valid, expires in {days} days ({when})")


def _not_tls(exc: Exception) -> bool:
    # What OpenSSL says when the other side answers a ClientHello with plain text.
    reason = str(getattr(exc, "reason", "") or exc).upper()
    return any(mark in reason for mark in ("WRONG_VERSION_NUMBER", "HTTP_REQUEST", "RECORD_LAYER_FAILURE"))


def check_health(outcome: Outcome) -> Check:
    if outcome.status is None:
        return Check("health", FAIL, f"no answer: {outcome.error}")
    ms = outcome.elapsed * 1000
    if outcome.status != 200:
        return Check("health", FAIL, f"HTTP {outcome.status}, expected 200")
    try:
        payload = json.loads(outcome.body)
    except (ValueError, UnicodeDecodeError):
        return Check("health", FAIL, "HTTP 200 but the body is not JSON")
    if not isinstance(payload, dict) or payload.get("status") != "ok":
        shown = payload.get("status") if isinstance(payload, dict) else payload
        return Check("health", FAIL, f'HTTP 200 but "status" is {json.dumps(shown)[:80]}, expected "ok"')
    return Check("health", PASS, f'HTTP 200 {{"status":"ok"}} in {ms:.0f} ms')


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile: the smallest value >= 95 % of the samples."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def check_latency(samples: list[Outcome], budget_ms: float) -> Check:
    times = [o.elapsed * 1000 for o in samples if o.status is not None]
    if not times:
        return Check("latency", FAIL, f"none of {len(samples)} requests was answered")
    value = p95(times)
    detail = f"p95 {value:.0f} ms over {len(times)} requests (budget {budget_ms:g} ms, max {max(times):.0f} ms)"
    return Check("latency", PASS if value <= budget_ms else FAIL, detail)


def check_home(outcome: Outcome, shown_url: str | None = None) -> Check:
    if outcome.status is None:
        return Check("home", FAIL, f"GET {shown_url or '/'} got no answer: {outcome.error}")
    problems = _html_problems(outcome)
    if outcome.elapsed > HOME_BUDGET_SECONDS:
        problems.append(f"took {outcome.elapsed:.1f} s, budget {HOME_BUDGET_SECONDS:g} s")
    where = f" from {shown_url}" if shown_url else ""
    if problems:
        return Check("home", FAIL, "; ".join(problems) + where)
    return Check("home", PASS, f"HTTP 200 text/html with doctype in {outcome.elapsed * 1000:.0f} ms{where}")


def check_spa_route(outcome: Outcome, path: str) -> Check:
    """A path no file answers must get the app's page (the static site's `/*` -> `/index.html` rewrite)."""
    if outcome.status is None:
        return Check("spa-route", FAIL, f"GET {path} got no answer: {outcome.error}")
    problems = _html_problems(outcome)
    if problems:
        why = "; ".join(problems)
        return Check("spa-route", FAIL, f"GET {path}: {why} (is the /* -> /index.html rewrite set?)")
    return Check("spa-route", PASS, f"GET {path} answers the app's page (HTTP 200 text/html)")


def _html_problems(outcome: Outcome) -> list[str]:
    problems = []
    if outcome.status != 200:
        problems.append(f"HTTP {outcome.status}, expected 200")
    ctype = next((v for k, v in outcome.headers.items() if k.lower() == "content-type"), "")
    if ctype.split(";")[0].strip().lower() != "text/html":
        problems.append(f"content type {ctype or 'missing'!r}, expected text/html")
    head = outcome.body[:512].decode("utf-8", "replace").lstrip("\ufeff \t\r\n").lower()
    if not head.startswith("<!doctype html"):
        problems.append("no <!doctype html> at the start of the body")
    return problems


def check_no_5xx(outcomes: list[Outcome]) -> Check:
    bad = Counter(str(o.status) for o in outcomes if o.status is not None and o.status >= 500)
    errors = Counter(o.error for o in outcomes if o.status is None)
    n_bad, n_err = sum(bad.values()), sum(errors.values())
    if not n_bad and not n_err:
        return Check("no-5xx", PASS, f"no 5xx in {len(outcomes)} requests")
    parts = []
    if n_bad:
        parts.append(f"{n_bad} answered 5xx (" + ", ".join(f"HTTP {k} {c} times" for k, c in sorted(bad.items())) + ")")
    if n_err:
        parts.append(f"{n_err} got no answer ({errors.most_common(1)[0][0]})")
    return Check("no-5xx", FAIL, f"of {len(outcomes)} requests " + " and ".join(parts))
