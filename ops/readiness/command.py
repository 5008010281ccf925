"""`ops readiness STACK`: the pre-deployment checklist, each item with the evidence for it.

✅ only with evidence: the typed settings, the offline plan of both phases with the policy pack
(stop-before-production included), a scan for generated secrets in plain values, the declared
monitoring and backups, an `ops verify` report and a rehearsal result when given, and the CI
workflows on disk. Missing evidence is ❌ with the reason, never ✅. ⚠ marks what needs a person
(it never blocks). Exit 1 when a blocking item fails, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ops.readiness.evidence import collect
from ops.readiness.items import assess
from ops.readiness.model import Item, causes
from ops.readiness.render import render
from ops.shared.arguments import add_out, add_stack, require_directory, require_file, write_document

EXIT_OK, EXIT_NOT_READY = 0, 1


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "readiness",
        help="pre-deployment readiness of a stack, every item with its evidence (exit 1 if not ready)",
        description="Assess STACK: settings, policy verdicts of the offline plan (stop-before-production "
        "included), secrets only as Pulumi secrets, monitoring, backups, an ops verify report, a rehearsal "
        "result and the CI workflows. ✅ needs evidence; missing evidence is ❌ with the reason. Exit 1 when "
        "a blocking item fails.",
    )
    add_stack(parser)
    parser.add_argument(
        "--verify-report",
        metavar="FILE",
        type=Path,
        help="an `ops verify` report: JSON (`--json` or `--report x.json`) or its Markdown report",
    )
    parser.add_argument(
        "--rehearsal-report", metavar="FILE", type=Path, help="the JSON of `python -m ops rehearse STACK --json`"
    )
    parser.add_argument(
        "--restore-report",
        metavar="FILE",
        type=Path,
        help="the JSON of `python -m ops rehearse staging --json` when --rehearsal-report is not staging's: "
        "its restore steps are the evidence that a restore was rehearsed",
    )
    parser.add_argument(
        "--policy-config", metavar="FILE", type=Path, help="policy pack config (default: policies/config.STACK.json)"
    )
    add_out(parser, "report")
    parser.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    require_file("--verify-report", args.verify_report)
    require_file("--rehearsal-report", args.rehearsal_report)
    require_file("--restore-report", args.restore_report)
    require_file("--policy-config", args.policy_config)
    require_directory("--out", args.out)
    evidence = collect(args.stack, policy_config=args.policy_config)
    items = assess(
        evidence,
        verify_report=args.verify_report,
        rehearsal_report=args.rehearsal_report,
        restore_report=args.restore_report,
    )
    document = render(
        evidence,
        items,
        verify_report=args.verify_report,
        rehearsal_report=args.rehearsal_report,
        restore_report=args.restore_report,
    )
    write_document(document, args.out)
    blocking = [item.title for item in items if item.blocks]
    if blocking:
        grouped = causes(items)
        listed = "; ".join(
            cause + (f" (and {len(knock_ons)} knock-on: {', '.join(k.title for k in knock_ons)})" if knock_ons else "")
            for cause, knock_ons in grouped.items()
        )
        print(
            f"not ready: {len(blocking)} blocking item(s) failed, from {len(grouped)} cause(s): {listed}",
            file=sys.stderr,
        )
    return exit_code(items)


def exit_code(items: list[Item]) -> int:
    """1 when a blocking item failed; a ⚠ or a non-blocking ❌ never fails the command."""
    return EXIT_NOT_READY if any(item.blocks for item in items) else EXIT_OK
