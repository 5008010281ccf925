"""rds-instance-final-snapshot: deleting an RDS instance leaves a named final snapshot."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from ._props import get
from ._support import Finding, ResourceContext, ResourceRule, violation
from ._types import RDS_INSTANCE

NAME = "rds-instance-final-snapshot"


def check(ctx: ResourceContext) -> Iterator[Finding]:
    if get(ctx.props, "skipFinalSnapshot") is True:
        yield violation(f"{ctx.label}: skipFinalSnapshot is true, so deleting it destroys the data")
    identifier = get(ctx.props, "finalSnapshotIdentifier")
    if not isinstance(identifier, str) or not identifier.strip():
        yield violation(f"{ctx.label}: finalSnapshotIdentifier is not set")


RULE = ResourceRule(
    name=NAME,
    description="RDS instances must take a final snapshot when deleted.",
    severity=Severity.HIGH,
    remediation='Set skip_final_snapshot=False and final_snapshot_identifier=f"{name}-final" on the aws.rds.Instance.',
    check=check,
    resource_types=frozenset({RDS_INSTANCE}),
)
