"""rds-instance-storage-encrypted: RDS instances encrypt their storage (and so their snapshots)."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from ._props import get
from ._support import Finding, ResourceContext, ResourceRule, violation
from ._types import RDS_INSTANCE

NAME = "rds-instance-storage-encrypted"


def check(ctx: ResourceContext) -> Iterator[Finding]:
    if get(ctx.props, "storageEncrypted") is not True:
        yield violation(f"{ctx.label}: storageEncrypted must be true (AWS defaults to unencrypted)")


RULE = ResourceRule(
    name=NAME,
    description="RDS instances must have encrypted storage.",
    severity=Severity.HIGH,
    remediation=(
        "Set storage_encrypted=True on the aws.rds.Instance (PostgresDatabase does by default). "
        "An existing unencrypted instance must be replaced: snapshot, copy the snapshot with "
        "encryption, restore."
    ),
    check=check,
    resource_types=frozenset({RDS_INSTANCE}),
)
