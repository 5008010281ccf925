"""rds-parameter-group-force-ssl: PostgreSQL parameter groups force TLS (rds.force_ssl = 1)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import Severity

from ._props import elements, get
from ._support import Finding, ResourceContext, ResourceRule, violation
from ._types import RDS_PARAMETER_GROUP

NAME = "rds-parameter-group-force-ssl"
FORCE_SSL = "rds.force_ssl"


def forces_ssl(props: Mapping[str, Any]) -> bool:
    """True when ``parameters`` holds rds.force_ssl = 1 (string or number)."""
    for at, entry in elements(get(props, "parameters"), "parameters"):
        if not isinstance(entry, Mapping) or get(entry, "name", path=at) != FORCE_SSL:
            continue
        if str(get(entry, "value", path=at)).strip() in ("1", "1.0"):
            return True
    return False


def may_be_postgres(props: Mapping[str, Any]) -> bool:
    """True unless ``family`` names another engine."""
    family = get(props, "family")
    # rds.force_ssl is a PostgreSQL parameter; other engines have their own switches.
    return not isinstance(family, str) or family.lower().startswith("postgres")


def check(ctx: ResourceContext) -> Iterator[Finding]:
    if not may_be_postgres(ctx.props):
        return
    if not forces_ssl(ctx.props):
        yield violation(f'{ctx.label}: parameters must contain name "{FORCE_SSL}" with value "1"')


RULE = ResourceRule(
    name=NAME,
    description="PostgreSQL RDS parameter groups must force SSL (rds.force_ssl = 1).",
    severity=Severity.HIGH,
    remediation='Add {"name": "rds.force_ssl", "value": "1"} to the aws.rds.ParameterGroup parameters.',
    check=check,
    resource_types=frozenset({RDS_PARAMETER_GROUP}),
)
