"""checked-during-update: one note per rule that a preview could not finish.

During a preview, values that depend on resources not created yet are unknown. A rule that needs
one cannot judge that resource until the update, where it runs again and fails closed on anything
still unknown (``_support``). Instead of one advisory per resource, this rule says so once per
rule, at the stack level, as an advisory without a severity: it is a note, not a finding.

It must run after every other stack rule (last in ``ALL_RULES``), since they record their own
unknowns when the stack is analyzed.
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import EnforcementLevel

from ._preview_notes import PREVIEW_UNKNOWNS
from ._support import Finding, StackContext, StackRule, violation

NAME = "checked-during-update"
NOTE = "{rule}: {count} {resources} values known only during the update; the update checks them and fails closed"


def note(rule: str, count: int) -> str:
    return NOTE.format(rule=rule, count=count, resources="resource has" if count == 1 else "resources have")


def check(ctx: StackContext) -> Iterator[Finding]:
    in_stack = {r.urn for r in ctx.resources}
    for rule, count in PREVIEW_UNKNOWNS.take(in_stack).items():
        yield violation(note(rule, count))


RULE = StackRule(
    name=NAME,
    description="Checks a preview could not finish: they need values known only during the update.",
    severity=None,
    enforcement_level=EnforcementLevel.ADVISORY,
    remediation=(
        "Nothing to do before the update: it runs these checks on the real values and fails closed on any value "
        "still unknown. Set this policy to mandatory to make a preview fail instead."
    ),
    check=check,
)
