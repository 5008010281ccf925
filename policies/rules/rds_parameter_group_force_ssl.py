"""rds-parameter-group-force-ssl: PostgreSQL parameter groups force TLS (rds.force_ssl = 1)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pulumi_policy import Severity

from ._support import Finding, ResourceContext, ResourceRule, get, violation

NAME = "rds-parameter-group-force-ssl"
PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
FORCE_SSL = "rds.force_ssl"


def forces_ssl(props: Mapping[str, Any]) -> bool:
    """True when ``parameters`` holds rds.force_ssl = 1 (string or number)."""
    parameters = get(props, "parameters")
    if not isinstance(parameters, Sequence) or isinstance(parameters, str):
        return False
    for i in range(len(parameters)):
        entry = get(parameters, i, path="parameters")
        entry_path = f"parameters[{i}]"
        if not isinstance(entry, Mapping) or get(entry, "name", path=entry_path) != FORCE_SSL:
            continue
        if str(get(entry, "value", path=entry_path)).strip() in ("1", "1.0"):
            return True
    return False


def applies(props: Mapping[str, Any]) -> bool:
    family = get(props, "family")
    # rds.force_ssl is a PostgreSQL parameter; other engines have their own switches.
    return not isinstance(family, str) or family.lower().startswith("postgres")


def check(ctx: ResourceContext) -> Iterator[Finding]:
    if ctx.resource_type != PARAMETER_GROUP or not applies(ctx.props):
        return
    if not forces_ssl(ctx.props):
        yield violation(f'{ctx.label}: parameters must contain name "{FORCE_SSL}" with value "1"')


RULE = ResourceRule(
    name=NAME,
    description="PostgreSQL RDS parameter groups must force SSL (rds.force_ssl = 1).",
    severity=Severity.HIGH,
    remediation='Add {"name": "rds.force_ssl", "value": "1"} to the aws.rds.ParameterGroup parameters.',
    check=check,
    resource_types=frozenset({PARAMETER_GROUP}),
)
