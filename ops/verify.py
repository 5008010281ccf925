"""`ops verify`: post-deploy checks against a running Kitchen Kontrol environment.

Checks health (`{"status":"ok"}`), p95 latency, the HTML shell at `/`, the
absence of 5xx answers and, for HTTPS, the certificate. Standard library only,
so it runs in any CI step without installing anything.

Progress goes to stderr as each check starts and ends (only on a terminal, not with
--quiet); Ctrl-C prints the checks finished so far and exits 130.

Exit codes: 0 every check passed (warnings allowed), 1 a check failed,
2 usage error or the environment never became reachable before the deadline,
130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ops.errors import UsageError

DEFAULT_HEALTH_PATH = "/api/health"
DEFAULT_SAMPLES = 20
DEFAULT_LATENCY_BUDGET_MS = 500.0
DEFAULT_WAIT_SECONDS = 300.0
DEFAULT_TIMEOUT_SECONDS = 10.0
HOME_BUDGET_SECONDS = 2.0
CERT_WARN_DAYS = 14
MAX_BODY_BYTES = 1_000_000
# Answers a platform proxy gives while a new deploy is still starting; anything
# else (including a 500 from the app itself) means "up", so waiting is pointless.
STARTING_STATUSES = frozenset({502, 503, 504})

PASS, FAIL, WARN, SKIP = "pass", "fail", "warn", "skip"
INTERRUPTED = "interrupted"
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="post-deploy checks (health, latency, HTML, TLS) against a running environment",
        description="Check a deployed environment: health JSON, p95 latency, the HTML "
        "page at /, no 5xx answers and the TLS certificate. Exit 0 pass, 1 a check "
        "failed, 2 usage error or unreachable, 130 interrupted (Ctrl-C; what finished is printed).",
    )
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--stack", help="read appUrl/healthUrl from this stack's outputs (needs the pulumi CLI)")
    target.add_argument("--url", help="base URL of the app, e.g. https://staging.example.com")
    parser.add_argument(
        "--health-path",
        default=DEFAULT_HEALTH_PATH,
        help=f"health endpoint path for --url (default {DEFAULT_HEALTH_PATH})",
    )
    parser.add_argument(
        "--samples",
        type=int,
        default=DEFAULT_SAMPLES,
        help=f"health requests used for the latency check (default {DEFAULT_SAMPLES})",
    )
    parser.add_argument(
        "--latency-budget-ms",
        type=float,
        default=DEFAULT_LATENCY_BUDGET_MS,
        help=f"p95 latency budget in ms (default {DEFAULT_LATENCY_BUDGET_MS:g})",
    )
    parser.add_argument(
        "--wait-seconds",
        type=float,
        default=DEFAULT_WAIT_SECONDS,
        help=f"how long to wait for health to answer (default {DEFAULT_WAIT_SECONDS:g})",
    )
    parser.add_argument(
        "--timeout-seconds",
        type=float,
        default=DEFAULT_TIMEOUT_SECONDS,
        help=f"per-request timeout (default {DEFAULT_TIMEOUT_SECONDS:g})",
    )
    parser.add_argument("--ca-file", help="PEM bundle to trust instead of the system trust store")
    parser.add_argument(
        "--report",
        metavar="FILE",
        action="append",
        help="also write the report to FILE: JSON if it ends in .json, else Markdown (repeatable)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument(
        "--quiet", action="store_true", help="no progress lines on stderr (the default when stderr is not a terminal)"
    )
    parser.set_defaults(handler=main)


# --------------------------------------------------------------------------- data


@dataclass
class Check:
    name: str
    status: str
    detail: str


@dataclass
class Target:
    app_url: str  # credentials stripped
    health_url: str  # credentials stripped
    display_url: str  # what we print: userinfo replaced by ***
    display_health_url: str
    auth_header: str | None = None


@dataclass
class Outcome:
    """One HTTP request: `status` is None when no HTTP answer arrived."""

    status: int | None
    elapsed: float
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None
    tls_error: bool = False


@dataclass
class Result:
    url: str
    health_url: str
    started: str
    result: str  # pass | fail | unreachable | interrupted
    checks: list[Check]
    error: str | None = None


# --------------------------------------------------------------------------- URLs


def _split_credentials(url: str, flag: str) -> tuple[str, str, str | None]:
    """Return (url without userinfo, url with userinfo redacted, Basic auth header)."""
    import base64
    from urllib.parse import unquote, urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{flag}: expected an http:// or https:// URL with a host, got {_redact(url)!r}")
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise UsageError(f"{flag}: invalid port in {_redact(url)!r}") from None
    if "@" not in parts.netloc:
        return url, url, None
    userinfo, hostport = parts.netloc.rsplit("@", 1)
    user, _, password = userinfo.partition(":")
    token = base64.b64encode(f"{unquote(user)}:{unquote(password)}".encode()).decode()
    clean = urlunsplit(parts._replace(netloc=hostport))
    shown = urlunsplit(parts._replace(netloc=f"***@{hostport}"))
    return clean, shown, f"Basic {token}"


def _redact(text: str) -> str:
    """Replace userinfo of any URL inside `text` (used for error messages too)."""
    import re

    return re.sub(r"(?i)\b(https?://)[^/@\s]+@", r"\1***@", text)


def _join(base: str, path: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    if not path.startswith("/"):
        path = "/" + path
    path_part, _, query = path.partition("?")
    return urlunsplit(urlsplit(base)._replace(path=path_part, query=query, fragment=""))


def _target_from_urls(app_url: str, health_url: str, flag: str) -> Target:
    app, app_shown, auth = _split_credentials(app_url, flag)
    health, health_shown, health_auth = _split_credentials(health_url, flag)
    return Target(app, health, app_shown, health_shown, auth or health_auth)


def _stack_outputs(stack: str) -> dict:
    from ops.outputs import OutputsUnavailable, query

    try:
        return query(stack)
    except OutputsUnavailable as exc:
        hint = "; install it or pass --url" if "not on PATH" in str(exc) else ""
        raise UsageError(f"--stack {stack}: {exc}{hint}") from None


def resolve_target(args: argparse.Namespace) -> Target:
    if args.url:
        return _target_from_urls(args.url, _join(args.url, args.health_path), "--url")
    outputs = _stack_outputs(args.stack)
    args.stack_outputs = outputs  # read once; the alarm-delivery check uses them too
    app_url = outputs.get("appUrl")
    if not isinstance(app_url, str) or not app_url:
        raise UsageError(f"--stack {args.stack}: the stack has no string output 'appUrl'")
    health_url = outputs.get("healthUrl") or _join(app_url, args.health_path)
    for name, value in (("appUrl", app_url), ("healthUrl", health_url)):
        if value == "[secret]" or not isinstance(value, str):
            raise UsageError(f"--stack {args.stack}: stack output '{name}' is not a plain URL string")
    return _target_from_urls(app_url, health_url, f"--stack {args.stack} output")


# --------------------------------------------------------------------------- HTTP


def _ssl_context(ca_file: str | None):
    import ssl

    return ssl.create_default_context(cafile=ca_file)


def _redirect_handler():
    """Follow redirects, but never carry the Basic auth header to another host."""
    import urllib.request
    from urllib.parse import urlsplit

    class SameHostAuth(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, req, fp, code, msg, headers, newurl):
            new = super().redirect_request(req, fp, code, msg, headers, newurl)
            if new is not None and urlsplit(newurl).hostname != urlsplit(req.full_url).hostname:
                new.headers.pop("Authorization", None)
            return new

    return SameHostAuth()


def _fetch(url: str, target: Target, ctx, timeout: float) -> Outcome:
    import http.client
    import ssl
    import urllib.error
    import urllib.request

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
        return Outcome(None, time.perf_counter() - start, error=_redact(str(text)), tls_error=is_tls)
    except (OSError, http.client.HTTPException) as exc:  # timeouts, resets, bad status lines
        return Outcome(None, time.perf_counter() - start, error=_redact(str(exc) or type(exc).__name__))


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
        outcome = _fetch(target.health_url, target, ctx, max(0.5, min(timeout, remaining)))
        starting = (outcome.status is None and not outcome.tls_error) or outcome.status in STARTING_STATUSES
        elapsed = time.monotonic() - start
        remaining = deadline_s - elapsed
        if progress:
            progress.state = f"{_attempts(attempts)}, {elapsed:.1f} s of {deadline_s:g} s"
        if not starting or remaining <= 0:
            return outcome, attempts, elapsed
        if progress:
            why = outcome.error if outcome.status is None else f"HTTP {outcome.status}"
            progress.note(f"not up yet ({why}); attempt {attempts}, {elapsed:.1f} s of {deadline_s:g} s")
        time.sleep(min(delay, remaining))
        delay = min(delay * 2, 15.0)


# --------------------------------------------------------------------------- checks


def _attempts(n: int) -> str:
    return "1 attempt" if n == 1 else f"{n} attempts"


def check_tls(target: Target, ca_file: str | None, timeout: float) -> Check:
    """Handshake with verification on; report days until the certificate expires."""
    import socket
    import ssl
    from urllib.parse import urlsplit

    parts = urlsplit(target.app_url)
    host, port = parts.hostname, parts.port or 443
    ctx = _ssl_context(ca_file)
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
        return Check("tls", FAIL, f"TLS handshake failed: {_redact(str(exc))}{hint}")
    except OSError as exc:
        return Check("tls", FAIL, f"TLS handshake failed: {_redact(str(exc))}")
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
    import math

    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def check_latency(samples: list[Outcome], budget_ms: float) -> Check:
    times = [o.elapsed * 1000 for o in samples if o.status is not None]
    if not times:
        return Check("latency", FAIL, f"none of {len(samples)} requests was answered")
    value = p95(times)
    detail = f"p95 {value:.0f} ms over {len(times)} requests (budget {budget_ms:g} ms, max {max(times):.0f} ms)"
    return Check("latency", PASS if value <= budget_ms else FAIL, detail)


def check_home(outcome: Outcome) -> Check:
    if outcome.status is None:
        return Check("home", FAIL, f"GET / got no answer: {outcome.error}")
    problems = []
    if outcome.status != 200:
        problems.append(f"HTTP {outcome.status}, expected 200")
    ctype = next((v for k, v in outcome.headers.items() if k.lower() == "content-type"), "")
    if ctype.split(";")[0].strip().lower() != "text/html":
        problems.append(f"content type {ctype or 'missing'!r}, expected text/html")
    head = outcome.body[:512].decode("utf-8", "replace").lstrip("\ufeff \t\r\n").lower()
    if not head.startswith("<!doctype html"):
        problems.append("no <!doctype html> at the start of the body")
    if outcome.elapsed > HOME_BUDGET_SECONDS:
        problems.append(f"took {outcome.elapsed:.1f} s, budget {HOME_BUDGET_SECONDS:g} s")
    if problems:
        return Check("home", FAIL, "; ".join(problems))
    return Check("home", PASS, f"HTTP 200 text/html with doctype in {outcome.elapsed * 1000:.0f} ms")


def check_no_5xx(outcomes: list[Outcome]) -> Check:
    from collections import Counter

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


# --------------------------------------------------------------------------- run


class Progress:
    """One stderr line as each check starts and ends, and while the health wait goes on.

    Off with --quiet and whenever stderr is not a terminal (CI logs keep just the table).
    `current` and `state` say where a Ctrl-C landed.
    """

    def __init__(self, enabled: bool, stream=None):
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self.current: str | None = None
        self.state = ""

    def _line(self, text: str) -> None:
        if self.enabled:
            print(f"verify: {text}", file=self.stream, flush=True)

    def start(self, name: str, what: str) -> None:
        self.current, self.state = name, ""
        self._line(f"{name}: {what} ...")

    def note(self, text: str) -> None:
        self._line(f"{self.current}: {text}")

    def end(self, check: Check) -> Check:
        self._line(f"{check.name}: {check.status.upper()} {check.detail}")
        self.current, self.state = None, ""
        return check


def _validate(args: argparse.Namespace) -> None:
    if args.samples < 1:
        raise UsageError(f"--samples must be at least 1, got {args.samples}")
    if args.latency_budget_ms <= 0:
        raise UsageError(f"--latency-budget-ms must be positive, got {args.latency_budget_ms:g}")
    if args.wait_seconds < 0:
        raise UsageError(f"--wait-seconds must be zero or more, got {args.wait_seconds:g}")
    if args.timeout_seconds <= 0:
        raise UsageError(f"--timeout-seconds must be positive, got {args.timeout_seconds:g}")
    if args.ca_file and not Path(args.ca_file).is_file():
        raise UsageError(f"--ca-file {args.ca_file}: no such file")
    for report in args.report or []:
        if not Path(report).resolve().parent.is_dir():
            raise UsageError(f"--report {report}: directory does not exist")


def new_result(target: Target) -> Result:
    import datetime

    started = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return Result(target.display_url, target.display_health_url, started, PASS, [])


def run_checks(target: Target, args: argparse.Namespace, result: Result, progress: Progress) -> Result:
    """Run every check, appending to `result` as each ends, so an interruption keeps what is done."""
    import ssl

    try:
        ctx = _ssl_context(args.ca_file)
    except ssl.SSLError as exc:
        raise UsageError(f"--ca-file {args.ca_file}: not a PEM certificate bundle ({exc.reason})") from None
    checks = result.checks
    https = target.app_url.startswith("https:")

    progress.start("reachable", f"waiting up to {args.wait_seconds:g} s for {target.display_health_url}")
    first, attempts, waited = wait_for_health(target, ctx, args.wait_seconds, args.timeout_seconds, progress)
    if (first.status is None and not first.tls_error) or first.status in STARTING_STATUSES:
        why = first.error if first.status is None else f"still HTTP {first.status}"
        result.result = "unreachable"
        result.error = (
            f"{target.display_health_url} did not come up within {args.wait_seconds:g} s ({_attempts(attempts)}): {why}"
        )
        progress.end(Check("reachable", FAIL, result.error))
        return result

    if first.tls_error:
        # Something listens, but no trusted TLS session came about: that is the finding, not "reachable".
        progress.start("tls", "handshake and certificate")
        tls = progress.end(check_tls(target, args.ca_file, args.timeout_seconds))
        if tls.status == FAIL:
            checks.append(tls)
            return _skip_after_tls(result, ("reachable", "health", "latency", "home", "no-5xx"))
        first = _fetch(target.health_url, target, ctx, args.timeout_seconds)
        checks.append(progress.end(Check("reachable", PASS, f"health answered after {waited:.1f} s")))
        checks.append(tls)
    else:
        detail = f"health answered after {waited:.1f} s ({_attempts(attempts)})"
        checks.append(progress.end(Check("reachable", PASS, detail)))
        if https:
            progress.start("tls", "handshake and certificate")
            checks.append(progress.end(check_tls(target, args.ca_file, args.timeout_seconds)))
            if checks[-1].status == FAIL:
                return _skip_after_tls(result, ("health", "latency", "home", "no-5xx"))

    progress.start("health", f"GET {target.display_health_url}")
    health = first if first.status is not None else _fetch(target.health_url, target, ctx, args.timeout_seconds)
    checks.append(progress.end(check_health(health)))

    progress.start("latency", f"{args.samples} requests to {target.display_health_url}")
    samples: list[Outcome] = []
    for _ in range(args.samples):
        progress.state = f"{len(samples)} of {args.samples} requests done"
        samples.append(_fetch(target.health_url, target, ctx, args.timeout_seconds))
    checks.append(progress.end(check_latency(samples, args.latency_budget_ms)))

    progress.start("home", f"GET {target.display_url}")
    home = _fetch(target.app_url, target, ctx, args.timeout_seconds)
    checks.append(progress.end(check_home(home)))

    progress.start("no-5xx", "every answer above")
    checks.append(progress.end(check_no_5xx([health, *samples, home])))
    result.result = FAIL if any(c.status == FAIL for c in checks) else PASS
    return result


def _skip_after_tls(result: Result, names: tuple[str, ...]) -> Result:
    # Without a trusted certificate nothing else would be meaningful (or safe to send).
    result.checks += [Check(name, SKIP, "not run: no trusted TLS session") for name in names]
    result.result = FAIL
    return result


# --------------------------------------------------------------------------- output


def _summary(result: Result) -> str:
    if result.result == "unreachable":
        return f"UNREACHABLE: {result.error}"
    labels = {PASS: "passed", FAIL: "failed", WARN: "warnings", SKIP: "skipped"}
    counts = {s: sum(c.status == s for c in result.checks) for s in labels}
    tail = ", ".join(f"{n} {labels[s]}" for s, n in counts.items() if n) or "no check finished"
    if result.result == INTERRUPTED:
        return f"INTERRUPTED: {result.error} ({tail})"
    return f"{result.result.upper()} ({tail})"


def render_table(result: Result) -> str:
    lines = [f"verify {result.url}  (health {result.health_url})", f"started {result.started}", ""]
    if result.checks:
        width = max(len(c.name) for c in result.checks)
        lines.append(f"{'CHECK'.ljust(width)}  RESULT  DETAIL")
        lines += [f"{c.name.ljust(width)}  {c.status.upper().ljust(6)}  {c.detail}" for c in result.checks]
        lines.append("")
    lines.append(_summary(result))
    return "\n".join(lines)


def render_markdown(result: Result) -> str:
    icon = {PASS: "✅ pass", FAIL: "❌ fail", WARN: "⚠️ warn", SKIP: "⏭️ skip"}
    out = [
        "# Verification report",
        "",
        f"- **Date:** {result.started}",
        f"- **URL:** {result.url}",
        f"- **Health URL:** {result.health_url}",
        f"- **Result:** {_summary(result)}",
        "",
    ]
    if result.checks:
        out += ["| Check | Result | Detail |", "|---|---|---|"]
        out += [f"| {c.name} | {icon[c.status]} | {c.detail.replace('|', '/')} |" for c in result.checks]
        out.append("")
    return "\n".join(out)


def render_json(result: Result) -> str:
    return json.dumps(asdict(result), indent=2, ensure_ascii=False)


def write_reports(result: Result, paths: list[str]) -> None:
    """Each --report FILE: JSON when it ends in .json (what `ops readiness --verify-report` reads), else Markdown."""
    for path in paths:
        text = render_json(result) if path.lower().endswith(".json") else render_markdown(result)
        Path(path).write_text(text + "\n", encoding="utf-8")


def _check_alarm_delivery(outputs: dict, result: Result, progress: Progress) -> None:
    from ops.alarm_delivery import check_stack

    progress.start("alarm-delivery", "can CloudWatch publish to the alarm topic")
    delivery = check_stack(outputs)
    result.checks.append(progress.end(Check(delivery.name, delivery.status, delivery.detail)))
    if delivery.status == FAIL and result.result == PASS:
        result.result = FAIL


def main(args: argparse.Namespace) -> int:
    _validate(args)
    target = resolve_target(args)
    progress = Progress(enabled=not args.quiet and sys.stderr.isatty())
    result = new_result(target)
    try:
        run_checks(target, args, result, progress)
        if args.stack:  # can CloudWatch publish to the alarm topic? (ops/alarm_delivery.py)
            _check_alarm_delivery(args.stack_outputs, result, progress)
    except KeyboardInterrupt:
        where = progress.current or "between checks"
        result.result = INTERRUPTED
        result.error = f"interrupted during {where}" + (f" ({progress.state})" if progress.state else "")
    write_reports(result, args.report or [])
    print(render_json(result) if args.json else render_table(result))
    if result.result == INTERRUPTED:
        print(f"error: {result.error}; the checks above finished before it", file=sys.stderr)
        return EXIT_INTERRUPTED
    if result.result == "unreachable":
        print(f"error: {result.error}", file=sys.stderr)
        return 2
    return 1 if result.result == FAIL else 0
