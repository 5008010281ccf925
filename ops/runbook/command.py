"""`ops runbook STACK [--out FILE]`: the stack's operations runbook, in Markdown.

Every statement comes from the stack: typed settings (Pulumi.STACK.yaml), the resources the
program declares (the offline plan) and, for values that exist only after a deploy, the stack
outputs as `pulumi stack output --json -s STACK` gives them (never with --show-secrets; secret
outputs are never read). Without the CLI or a deployed stack those values say "not deployed yet".
No timestamp: the same stack gives the same bytes.

This module is the command and the order of the sections; each section lives in the file named for
it (runbook_overview, runbook_people, runbook_incidents, runbook_recovery), and what several of
them say alike (deploy-time values, links, how a change is applied) in runbook_values.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ops.program.facts import StackFacts, load_facts
from ops.runbook.backups import backups
from ops.runbook.incidents import incidents
from ops.runbook.overview import header, health_check, quick_links
from ops.runbook.people import alerts, escalation, on_call
from ops.runbook.recovery import interrupted, rollback, teardown
from ops.runbook.values import DeployValues
from ops.shared import outputs
from ops.shared.arguments import add_out, add_stack, require_directory, write_document
from ops.shared.outputs import StackOutputs
from ops.shared.project import ROOT


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "runbook",
        help="the stack's operations runbook (Markdown) from its settings, plan and outputs",
        description="Write the runbook of STACK: quick links, health check, incidents, rollback, backup and "
        "restore, teardown, on-call and escalation. Deploy-time values come from `pulumi stack output` when the "
        "CLI can read them and say 'not deployed yet' otherwise.",
    )
    add_stack(parser)
    add_out(parser, "runbook")
    parser.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    require_directory("--out", args.out)
    document = render(load_facts(args.stack), outputs.read(args.stack))
    write_document(document, args.out, wrote=f"the runbook of {args.stack!r}")
    return 0


def generate(stack: str, root: Path = ROOT, *, stack_outputs: StackOutputs | None = None, mocks=None) -> str:
    """The runbook as text; `stack_outputs` defaults to what the CLI gives."""
    facts = load_facts(stack, root, mocks=mocks)
    return render(facts, stack_outputs if stack_outputs is not None else outputs.read(stack, root))


def render(facts: StackFacts, out: StackOutputs) -> str:
    values = DeployValues(facts, out)
    sections = [
        header(facts, out),
        quick_links(facts, values),
        health_check(facts, values),
        alerts(facts, values),
        incidents(facts, values),
        rollback(facts, values),
        interrupted(facts),
        backups(facts, values),
        teardown(facts),
        on_call(facts),
        escalation(facts),
    ]
    return "\n\n".join("\n".join(section) for section in sections) + "\n"
