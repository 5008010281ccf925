"""`ops plan [STACK]`: the command line of the offline plan (ops/program/runner.py), printed like `pulumi preview`
or as a document (ops/plan/document.py), a pull-request comment or a comparison with a base plan."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ops.plan import compare as plan_compare
from ops.plan import document as plan_document
from ops.plan import markdown as plan_markdown
from ops.plan import render as plan_render
from ops.program.runner import PlanRefused, run_plan
from ops.shared.errors import Failure, UsageError
from ops.shared.project import ROOT

EXIT_OK, EXIT_REFUSED, EXIT_FAILED = 0, 1, 1  # usage errors: ops.shared.errors.UsageError, exit 2


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "plan",
        help="offline preview of a stack under the SDK's mocks",
        description="Run the Pulumi program offline (no CLI, credentials or network) and print what it declares.",
    )
    parser.add_argument("stack", nargs="?", default="staging", help="stack name (default: staging)")
    parser.add_argument("--json", action="store_true", help="print the plan document (same as --format json)")
    parser.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="text (default), json (ops/plan/plan.schema.json) or markdown (a pull-request comment)",
    )
    parser.add_argument(
        "--details",
        "--diff",
        dest="details",
        action="store_true",
        help="every input, placeholder and policy verdict (with --compare: the changed values)",
    )
    parser.add_argument(
        "--width",
        type=_width,
        metavar="COLUMNS",
        help="wrap or shorten text to this many columns; 0: no limit (default: the terminal's, or 120)",
    )
    parser.add_argument(
        "--compare",
        metavar="BASE.json",
        type=Path,
        help="show what changes against a base plan (`ops plan STACK --json` of the base branch)",
    )
    parser.add_argument("--as-update", action="store_true", help="plan the update phase instead of the preview")
    parser.add_argument(
        "--policy-config",
        metavar="FILE",
        type=Path,
        help="policy pack config (default: policies/config.STACK.json)",
    )
    parser.add_argument("--no-policies", action="store_true", help="skip the policy pack")
    parser.add_argument("--debug", action="store_true", help="on a failure, print every frame of the traceback")
    parser.set_defaults(handler=main)


def _width(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a number of columns (0: no limit), got {text!r}")
    return int(text)


def main(args: argparse.Namespace) -> int:
    if args.json and args.format not in ("text", "json"):
        raise UsageError(f"--json and --format {args.format}: choose one")
    fmt = "json" if args.json else args.format
    base = plan_document.load(args.compare) if args.compare else None  # a bad base fails before the plan runs
    policies: Path | bool = False if args.no_policies else (args.policy_config or True)
    try:
        result = run_plan(args.stack, preview=not args.as_update, root=ROOT, policies=policies)
    except PlanRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except Failure as exc:  # a bug in the program or a broken pack: where to look, not a one-liner
        print(exc.report(debug=args.debug), file=sys.stderr)
        return EXIT_FAILED
    print(_render(plan_document.document(result), base, fmt, details=args.details, width=args.width))
    if result.mandatory_policies:
        print(f"error: mandatory policy violations: {', '.join(result.mandatory_policies)}", file=sys.stderr)
        return EXIT_REFUSED
    return EXIT_OK


def _render(doc: dict[str, Any], base: dict[str, Any] | None, fmt: str, *, details: bool, width: int | None) -> str:
    if base is not None:
        comparison = plan_compare.compare(base, doc)
        if fmt == "json":
            return plan_document.dumps(comparison)
        if fmt == "markdown":
            return plan_markdown.render_comparison(comparison, doc)
        return plan_compare.render_text(comparison, details=details, width=width)
    if fmt == "json":
        return plan_document.dumps(doc)
    if fmt == "markdown":
        return plan_markdown.render_plan(doc)
    return plan_render.render_text(doc, details=details, width=width)
