"""rds-instance-backup-retention: automated backups kept for at least the configured days."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from ._props import get
from ._support import Finding, ResourceContext, ResourceRule, violation
from ._types import RDS_INSTANCE

NAME = "rds-instance-backup-retention"
DEFAULT_MINIMUM_DAYS = 7


def check(ctx: ResourceContext) -> Iterator[Finding]:
    # Config numbers arrive as floats over the wire (7.0); print them as written.
    minimum = float(ctx.config.get("minimumRetentionDays", DEFAULT_MINIMUM_DAYS))
    days = get(ctx.props, "backupRetentionPeriod")
    # Numbers cross the wire as floats; bool is an int subclass and never a valid period.
    if isinstance(days, bool) or not isinstance(days, (int, float)):
        yield violation(f"{ctx.label}: backupRetentionPeriod is not set (need at least {minimum:g} days)")
    elif days < minimum:
        yield violation(f"{ctx.label}: backupRetentionPeriod is {days:g} days, need at least {minimum:g}")


RULE = ResourceRule(
    name=NAME,
    description="RDS instances must keep automated backups for at least the configured number of days.",
    severity=Severity.HIGH,
    remediation="Set backup_retention_period to at least minimumRetentionDays (default 7) on the aws.rds.Instance.",
    check=check,
    resource_types=frozenset({RDS_INSTANCE}),
    config_schema={
        "minimumRetentionDays": {
            "type": "integer",
            "minimum": 1,
            "maximum": 35,
            "default": DEFAULT_MINIMUM_DAYS,
            "description": "Smallest acceptable backupRetentionPeriod in days.",
        }
    },
)
