"""render-web-service-health-check: Render only routes traffic to instances that pass a health check."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Severity

from ._props import get
from ._support import Finding, ResourceContext, ResourceRule, violation
from ._types import RENDER_WEB_SERVICE

NAME = "render-web-service-health-check"


def check(ctx: ResourceContext) -> Iterator[Finding]:
    path = get(ctx.props, "serviceDetails", "healthCheckPath")
    if not isinstance(path, str) or not path.strip():
        yield violation(f"{ctx.label}: serviceDetails.healthCheckPath is not set")
    elif not path.startswith("/"):
        yield violation(f'{ctx.label}: serviceDetails.healthCheckPath must start with "/"')


RULE = ResourceRule(
    name=NAME,
    description="Render web services must declare a health check path.",
    severity=Severity.MEDIUM,
    remediation=(
        'Set service_details.health_check_path (e.g. "/api/health", the path the app serves) on the '
        "render.services.WebService; zero-downtime deploys and the uptime monitor both use it."
    ),
    check=check,
    resource_types=frozenset({RENDER_WEB_SERVICE}),
)
