"""rds-instance-ssl-parameter-group (stack): each RDS instance uses a parameter group that forces SSL.

A stack policy because it relates two resources; props are outputs here, so the instance's
``parameterGroupName`` is matched against each group's ``name`` output.
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from ._props import UnknownPropError, get
from ._support import Finding, StackContext, StackRule, unknown, violation
from ._types import RDS_INSTANCE, RDS_PARAMETER_GROUP
from .rds_parameter_group_force_ssl import forces_ssl

NAME = "rds-instance-ssl-parameter-group"


def check(ctx: StackContext) -> Iterator[Finding]:
    ssl_groups: set[str] = set()
    other_groups: set[str] = set()
    names_complete = True
    for r in ctx.of_type(RDS_PARAMETER_GROUP):
        try:
            name = get(r.props, "name")
            if isinstance(name, str):
                (ssl_groups if forces_ssl(r.props) else other_groups).add(name)
        except UnknownPropError as exc:
            names_complete = False
            yield unknown(exc.path, r.label, r.urn)
    for r in ctx.of_type(RDS_INSTANCE):
        try:
            group = get(r.props, "parameterGroupName")
        except UnknownPropError as exc:
            yield unknown(exc.path, r.label, r.urn)
            continue
        if not isinstance(group, str) or not group:
            yield violation(f"{r.label}: parameterGroupName is not set (the default group is not managed here)", r.urn)
        elif group in ssl_groups:
            continue
        elif group in other_groups:
            yield violation(f'{r.label}: parameter group "{group}" does not set rds.force_ssl = 1', r.urn)
        elif names_complete:  # an unknown group name might be this one
            yield violation(f'{r.label}: parameter group "{group}" is not a parameter group of this stack', r.urn)


RULE = StackRule(
    name=NAME,
    description="Every RDS instance must use a parameter group of this stack that forces SSL.",
    severity=Severity.HIGH,
    remediation=(
        "Create an aws.rds.ParameterGroup with rds.force_ssl = 1 in the same stack and pass its "
        "name as parameter_group_name to the aws.rds.Instance."
    ),
    check=check,
)
