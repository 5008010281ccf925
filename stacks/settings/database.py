"""The RDS PostgreSQL database and who may reach it: the `db*` keys."""

from __future__ import annotations

import ipaddress
from typing import Annotated, Optional

from pydantic import AfterValidator, Field, field_validator, model_validator

from components.rules import (
    DEFAULT_VPC_CIDR,
    POSTGRES_NAME_PATTERN,
    RDS_MASTER_USERNAME_PATTERN,
    RDS_RESERVED_USERNAMES,
    client_cidr_problem,
    vpc_cidr_problem,
)
from stacks.settings.base import PROJECT, SettingsModel, keyed
from stacks.settings.restore import SNAPSHOT_NAME_PATTERN, DatabaseRestore, parse_retired, restored_identifier

# RFC 5737: fine for a preview, useless for a real database fence.
DOCUMENTATION_RANGES = tuple(
    ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
)


def _client_cidr(value: str) -> str:
    problem = client_cidr_problem(value)
    if problem:
        raise ValueError(problem)
    return value


# One entry of dbAllowedCidrs: validated on its own, so an error names its index.
ClientCidr = Annotated[str, AfterValidator(_client_cidr)]
SnapshotName = Annotated[str, Field(pattern=SNAPSHOT_NAME_PATTERN, max_length=40)]


class DatabaseSettings(SettingsModel):
    engine_version: str = Field(
        default="16",
        pattern=r"^(13|14|15|16|17)(\.\d{1,2})?$",
        alias="dbEngineVersion",
        description="PostgreSQL major version (13-17); selects the parameter group family.",
    )
    instance_class: str = Field(
        default="db.t4g.micro",
        pattern=r"^db\.[a-z0-9]+\.[a-z0-9]+$",
        alias="dbInstanceClass",
        description="RDS instance class, e.g. db.t4g.micro.",
    )
    allocated_storage: int = Field(
        default=20, ge=20, le=65536, alias="dbAllocatedStorage", description="Initial storage in GiB."
    )
    max_allocated_storage: int = Field(
        default=50,
        ge=20,
        le=65536,
        alias="dbMaxAllocatedStorage",
        description="Storage autoscaling ceiling in GiB (at least dbAllocatedStorage).",
    )
    backup_retention_days: int = Field(
        default=7, ge=7, le=35, alias="dbBackupRetentionDays", description="Automated backup retention in days."
    )
    # No default, like appNodeEnv: another stack must never inherit staging's database name.
    name: str = Field(
        pattern=POSTGRES_NAME_PATTERN,
        alias="dbName",
        description="Name of the application database.",
    )
    username: str = Field(
        default="kk_admin",
        pattern=RDS_MASTER_USERNAME_PATTERN,
        alias="dbUsername",
        description="Master user name of the RDS instance.",
    )
    allowed_cidrs: tuple[ClientCidr, ...] = Field(
        min_length=1,
        max_length=50,
        alias="dbAllowedCidrs",
        description="CIDRs allowed to reach port 5432 (Render's outbound IPs); never 0.0.0.0/0.",
    )
    deletion_protection: bool = Field(
        default=True, alias="dbDeletionProtection", description="RDS deletion protection."
    )
    vpc_id: Optional[str] = Field(
        default=None,
        pattern=r"^vpc-[0-9a-f]{8,17}$",
        alias="dbVpcId",
        description="Existing VPC id to use instead of the dedicated VPC this project creates.",
    )
    vpc_cidr: str = Field(
        default=DEFAULT_VPC_CIDR,
        alias="dbVpcCidr",
        description="CIDR of the dedicated VPC (a /16 to /24 private range); only with no dbVpcId.",
    )

    restore: Optional[DatabaseRestore] = Field(
        default=None,
        alias="dbRestore",
        description=(
            'The restore the database runs on: {pointInTime: latest}, {pointInTime: "<ISO-8601 UTC>"} (optional '
            'sourceDbInstance, default the stack\'s own) or {snapshot: "<id or dbSnapshots name>"}. The next up '
            "creates a new instance from it and moves DATABASE_URL there; the old one is kept until "
            "dbRetiredInstances retires it. Once applied it stays: removing it asks for the old instance back."
        ),
    )
    snapshots: tuple[SnapshotName, ...] = Field(
        default=(),
        max_length=20,
        alias="dbSnapshots",
        description=(
            "Manual snapshots of the current instance, by name (e.g. pre-release-2026-12-01): each an "
            "aws.rds.Snapshot <stack identifier>-<name>, kept on destroy; a valid dbRestore snapshot."
        ),
    )
    retired_instances: tuple[tuple[str, str], ...] = Field(
        default=(),
        max_length=20,
        alias="dbRetiredInstances",
        description=(
            'Instances this stack no longer runs on (a restore keeps the one it replaced): "<identifier>: keep" '
            '(declared, protected), then, each its own update, "<identifier>: unprotect" (protect and deletion '
            "protection off; the policy pack's rds-instance-deletion-protection.retiredInstances must name it) "
            'and "<identifier>: release" (deleted, after RDS writes <identifier>-final).'
        ),
    )

    @field_validator("retired_instances", mode="before")
    @classmethod
    def _retired(cls, values):
        return parse_retired(values)

    @field_validator("snapshots")
    @classmethod
    def _snapshots_once(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        if len(values) != len(set(values)):
            raise ValueError("expected each snapshot name once")
        return values

    @field_validator("allowed_cidrs")
    @classmethod
    def _cidrs_once(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        first: dict[str, int] = {}
        for index, value in enumerate(values):
            if value in first:
                raise ValueError(f"expected each CIDR once; [{index}] repeats [{first[value]}]")
            first[value] = index
        return values

    @field_validator("username")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value in RDS_RESERVED_USERNAMES:
            raise ValueError("expected a name that is not reserved by RDS")
        return value

    @field_validator("vpc_cidr")
    @classmethod
    def _private_cidr(cls, value: str) -> str:
        problem = vpc_cidr_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _storage_ceiling(self) -> DatabaseSettings:
        if self.max_allocated_storage < self.allocated_storage:
            raise keyed("dbMaxAllocatedStorage", f"expected at least {PROJECT}:dbAllocatedStorage")
        return self

    @model_validator(mode="after")
    def _one_network(self) -> DatabaseSettings:
        # The CLI hands the program Pulumi.yaml's default when a stack leaves the key out, so only a
        # range other than the default is known to be meant for the dedicated VPC.
        if self.vpc_id is not None and self.vpc_cidr != DEFAULT_VPC_CIDR:
            raise keyed(
                "dbVpcCidr", f"only used for the dedicated VPC; remove it, or remove {PROJECT}:dbVpcId to get that VPC"
            )
        return self

    def current_identifier(self, prefix: str) -> str:
        return restored_identifier(prefix, self.restore) if self.restore else prefix

    def documentation_cidrs(self) -> list[str]:
        return [c for c in self.allowed_cidrs if any(ipaddress.ip_network(c).subnet_of(r) for r in _same_family(c))]


def _same_family(cidr: str):
    version = ipaddress.ip_network(cidr).version
    return [r for r in DOCUMENTATION_RANGES if r.version == version]
