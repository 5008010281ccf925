"""One `ops verify` run: every check in order, each appended as it ends (so an interruption keeps what is
done), with progress lines on a terminal."""

from __future__ import annotations

import datetime
import ssl
from dataclasses import dataclass

from ops.shared.errors import UsageError
from ops.verify.alarm_delivery import check_stack
from ops.verify.checks import (
    FAIL,
    PASS,
    SKIP,
    Check,
    check_health,
    check_home,
    check_latency,
    check_no_5xx,
    check_spa_route,
    check_tls,
)
from ops.verify.http import STARTING_STATUSES, Outcome, attempts_text, fetch, ssl_context, wait_for_health
from ops.verify.progress import Progress
from ops.verify.target import Target, join_path

INTERRUPTED, UNREACHABLE = "interrupted", "unreachable"  # results beside PASS and FAIL
SPA_PROBE_PATH = "/kitchen/verify-deep-link"  # no file of the build: only the SPA rewrite answers it


@dataclass(frozen=True)
class VerifyOptions:
    """How hard to check; `ops verify` fills it from its flags (ops/verify/command.py validates them)."""

    samples: int
    latency_budget_ms: float
    wait_seconds: float
    timeout_seconds: float
    ca_file: str | None = None


@dataclass
class Result:
    url: str
    health_url: str
    started: str
    result: str  # pass | fail | unreachable | interrupted
    checks: list[Check]
    error: str | None = None
    frontend_url: str | None = None  # where the home check asked, when not `url`


def new_result(target: Target) -> Result:
    started = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return Result(
        target.display_url, target.display_health_url, started, PASS, [], frontend_url=target.display_frontend_url
    )


def run_checks(target: Target, options: VerifyOptions, result: Result, progress: Progress) -> Result:
    """Run every check, appending to `result` as each ends, so an interruption keeps what is done."""
    try:
        ctx = ssl_context(options.ca_file)
    except ssl.SSLError as exc:
        raise UsageError(f"--ca-file {options.ca_file}: not a PEM certificate bundle ({exc.reason})") from None
    checks = result.checks
    https = target.app_url.startswith("https:")

    progress.start("reachable", f"waiting up to {options.wait_seconds:g} s for {target.display_health_url}")
    first, attempts, waited = wait_for_health(target, ctx, options.wait_seconds, options.timeout_seconds, progress)
    if (first.status is None and not first.tls_error) or first.status in STARTING_STATUSES:
        why = first.error if first.status is None else f"still HTTP {first.status}"
        result.result = UNREACHABLE
        result.error = (
            f"{target.display_health_url} did not come up within {options.wait_seconds:g} s"
            f" ({attempts_text(attempts)}): {why}"
        )
        progress.end(Check("reachable", FAIL, result.error))
        return result

    if first.tls_error:
        # Something listens, but no trusted TLS session came about: that is the finding, not "reachable".
        progress.start("tls", "handshake and certificate")
        tls = progress.end(check_tls(target, options.ca_file, options.timeout_seconds))
        if tls.status == FAIL:
            checks.append(tls)
            return _skip_after_tls(result, ("reachable", "health", "latency", "home", "no-5xx"))
        first = fetch(target.health_url, target, ctx, options.timeout_seconds)
        checks.append(progress.end(Check("reachable", PASS, f"health answered after {waited:.1f} s")))
        checks.append(tls)
    else:
        detail = f"health answered after {waited:.1f} s ({attempts_text(attempts)})"
        checks.append(progress.end(Check("reachable", PASS, detail)))
        if https:
            progress.start("tls", "handshake and certificate")
            checks.append(progress.end(check_tls(target, options.ca_file, options.timeout_seconds)))
            if checks[-1].status == FAIL:
                return _skip_after_tls(result, ("health", "latency", "home", "no-5xx"))

    progress.start("health", f"GET {target.display_health_url}")
    health = first if first.status is not None else fetch(target.health_url, target, ctx, options.timeout_seconds)
    checks.append(progress.end(check_health(health)))

    progress.start("latency", f"{options.samples} requests to {target.display_health_url}")
    samples: list[Outcome] = []
    for _ in range(options.samples):
        progress.state = f"{len(samples)} of {options.samples} requests done"
        samples.append(fetch(target.health_url, target, ctx, options.timeout_seconds))
    checks.append(progress.end(check_latency(samples, options.latency_budget_ms)))

    progress.start("home", f"GET {target.display_home_url}")
    home = fetch(target.home_url, target.home_target(), ctx, options.timeout_seconds)
    checks.append(progress.end(check_home(home, target.display_home_url)))
    answers = [health, *samples, home]
    if target.frontend_url:
        # The static site's rewrite `/*` -> `/index.html`: a client-side route answers the app's page too.
        deep = join_path(target.frontend_url, SPA_PROBE_PATH)
        progress.start("spa-route", f"GET {join_path(target.display_home_url, SPA_PROBE_PATH)}")
        spa = fetch(deep, target.home_target(), ctx, options.timeout_seconds)
        checks.append(progress.end(check_spa_route(spa, SPA_PROBE_PATH)))
        answers.append(spa)

    progress.start("no-5xx", "every answer above")
    checks.append(progress.end(check_no_5xx(answers)))
    result.result = FAIL if any(c.status == FAIL for c in checks) else PASS
    return result


def _skip_after_tls(result: Result, names: tuple[str, ...]) -> Result:
    # Without a trusted certificate nothing else would be meaningful (or safe to send).
    result.checks += [Check(name, SKIP, "not run: no trusted TLS session") for name in names]
    result.result = FAIL
    return result


def check_alarm_delivery(outputs: dict, result: Result, progress: Progress) -> None:
    progress.start("alarm-delivery", "can CloudWatch publish to the alarm topic")
    delivery = check_stack(outputs)
    result.checks.append(progress.end(Check(delivery.name, delivery.status, delivery.detail)))
    if delivery.status == FAIL and result.result == PASS:
        result.result = FAIL
