"""`ops verify`: post-deploy checks against a running Kitchen Kontrol environment.

Checks the API's health (`{"status":"ok"}`) and p95 latency, the HTML shell at the
frontend's `/` (the static site's URL; the API's own when no frontend is given) and a
client-side route the SPA rewrite answers, the absence of 5xx answers and, for HTTPS, the
API's certificate. Standard library only,
so it runs in any CI step without installing anything.

Progress goes to stderr as each check starts and ends (only on a terminal, not with
--quiet); Ctrl-C prints the checks finished so far and exits 130.

Exit codes: 0 every check passed (warnings allowed), 1 a check failed,
2 usage error or the environment never became reachable before the deadline,
130 interrupted.
"""

from __future__ import annotations

import argparse
import sys

from ops.shared.arguments import require_directory, require_file
from ops.shared.errors import UsageError
from ops.verify.checks import FAIL
from ops.verify.report import render_json, render_table, write_reports
from ops.verify.run import (
    INTERRUPTED,
    UNREACHABLE,
    Progress,
    VerifyOptions,
    check_alarm_delivery,
    new_result,
    run_checks,
)
from ops.verify.target import stack_target, url_target

DEFAULT_HEALTH_PATH = "/api/health"
DEFAULT_SAMPLES = 20
DEFAULT_LATENCY_BUDGET_MS = 500.0
DEFAULT_WAIT_SECONDS = 300.0
DEFAULT_TIMEOUT_SECONDS = 10.0
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
        "--frontend-url",
        help="with --url: the frontend's URL (the React build on its own static site), where the home check "
        "and the SPA-route check ask; with --stack it is the stack's frontendUrl output",
    )
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


def _validate(args: argparse.Namespace) -> None:
    if args.samples < 1:
        raise UsageError(f"--samples must be at least 1, got {args.samples}")
    if args.latency_budget_ms <= 0:
        raise UsageError(f"--latency-budget-ms must be positive, got {args.latency_budget_ms:g}")
    if args.wait_seconds < 0:
        raise UsageError(f"--wait-seconds must be zero or more, got {args.wait_seconds:g}")
    if args.timeout_seconds <= 0:
        raise UsageError(f"--timeout-seconds must be positive, got {args.timeout_seconds:g}")
    if args.frontend_url and not args.url:
        raise UsageError("--frontend-url goes with --url (with --stack the frontend is the stack's frontendUrl output)")
    require_file("--ca-file", args.ca_file)
    for report in args.report or []:
        require_directory("--report", report)


def main(args: argparse.Namespace) -> int:
    _validate(args)
    options = VerifyOptions(args.samples, args.latency_budget_ms, args.wait_seconds, args.timeout_seconds, args.ca_file)
    if args.url:
        target, outputs = url_target(args.url, args.health_path, args.frontend_url), None
    else:
        target, outputs = stack_target(args.stack, args.health_path)
    progress = Progress(enabled=not args.quiet and sys.stderr.isatty())
    result = new_result(target)
    try:
        run_checks(target, options, result, progress)
        if outputs is not None:  # can CloudWatch publish to the alarm topic? (ops/verify/alarm_delivery.py)
            check_alarm_delivery(outputs, result, progress)
    except KeyboardInterrupt:
        where = progress.current or "between checks"
        result.result = INTERRUPTED
        result.error = f"interrupted during {where}" + (f" ({progress.state})" if progress.state else "")
    write_reports(result, args.report or [])
    print(render_json(result) if args.json else render_table(result))
    if result.result == INTERRUPTED:
        print(f"error: {result.error}; the checks above finished before it", file=sys.stderr)
        return EXIT_INTERRUPTED
    if result.result == UNREACHABLE:
        print(f"error: {result.error}", file=sys.stderr)
        return 2
    return 1 if result.result == FAIL else 0
