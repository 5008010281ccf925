"""rds-instance-deletion-protection: RDS instances of lasting stacks cannot be deleted by accident."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import Severity

from ._props import get
from ._support import Finding, ResourceContext, ResourceRule, violation
from ._types import RDS_INSTANCE

NAME = "rds-instance-deletion-protection"
DEFAULT_EPHEMERAL_PATTERN = r"^(dev|pr-\d+|test)([-_].*)?$"


def is_ephemeral(stack: str, config: Mapping[str, Any]) -> bool:
    if stack in (config.get("ephemeralStacks") or []):
        return True
    return re.search(config.get("ephemeralStackPattern", DEFAULT_EPHEMERAL_PATTERN), stack) is not None


def check(ctx: ResourceContext) -> Iterator[Finding]:
    if is_ephemeral(ctx.stack, ctx.config):
        return
    # The policy owners' half of retiring an instance the stack no longer runs on (the stack's half:
    # kitchen-kontrol:dbRetiredInstances "<identifier>: unprotect"); only the instances they name.
    if get(ctx.props, "identifier") in (ctx.config.get("retiredInstances") or []):
        return
    if get(ctx.props, "deletionProtection") is not True:
        yield violation(f'{ctx.label}: deletionProtection must be true on stack "{ctx.stack}" (not an ephemeral stack)')


RULE = ResourceRule(
    name=NAME,
    description="RDS instances on non-ephemeral stacks must have deletion protection enabled.",
    severity=Severity.HIGH,
    remediation=(
        "Set deletion_protection=True on the aws.rds.Instance. Only stacks matching "
        "ephemeralStackPattern (or listed in ephemeralStacks) may run without it, and on others only an instance "
        "being retired after a restore, named in retiredInstances."
    ),
    check=check,
    resource_types=frozenset({RDS_INSTANCE}),
    config_schema={
        "ephemeralStackPattern": {
            "type": "string",
            "default": DEFAULT_EPHEMERAL_PATTERN,
            "description": "Regular expression matching stacks whose databases are disposable.",
        },
        "ephemeralStacks": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "Further disposable stack names.",
        },
        "retiredInstances": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "Identifiers of RDS instances being retired after a restore (dbRetiredInstances).",
        },
    },
)
