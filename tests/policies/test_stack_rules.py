"""Stack rules: rds-instance-ssl-parameter-group and monitoring-coverage (advisory), on final outputs."""

from __future__ import annotations

import pytest
from pulumi.output import Unknown

from ops.analyzer.wire import ResourceRecord
from policies.rules import monitoring_coverage, rds_instance_ssl_parameter_group
from policies.rules._support import StackResource
from tests.support.policy import (
    ENV_VAR,
    MONITOR,
    PARAMETER_GROUP,
    RDS_INSTANCE,
    WEB_SERVICE,
    baseline,
    messages,
    preview_notes,
    run_stack_rule,
)

FAIL_CLOSED = "is unknown during the update, so it cannot be checked; failing closed"
COMPONENT = "urn:pulumi:staging::kitchen-kontrol::kitchen-kontrol:index:WebApp::web"
OVERRIDE = "pulumi-python:dynamic/render:NotificationOverride"
NO_DEPLOY_FAILURES = "Render does not notify about its failed deploys (no notification override sending failure or all)"


def res(resource_type, name, props, parent=None):
    return StackResource(
        resource_type, name, f"urn:pulumi:staging::kitchen-kontrol::{resource_type}::{name}", props, parent
    )


def web_state(**changes):
    props = baseline(WEB_SERVICE, id="srv-123", **changes)
    props["serviceDetails"]["url"] = "https://kk-staging.onrender.com"
    return props


def healthy_stack():
    return [
        res(PARAMETER_GROUP, "pg", baseline(PARAMETER_GROUP)),
        res(RDS_INSTANCE, "db", baseline(RDS_INSTANCE)),
        res(WEB_SERVICE, "web", web_state(), COMPONENT),
        res(
            ENV_VAR,
            "dsn",
            {"serviceId": "srv-123", "envVarKey": "SENTRY_DSN", "value": "https://k@o1.ingest.sentry.io/1"},
        ),
        res(MONITOR, "uptime", {"url": "https://kk-staging.onrender.com/healthz", "type": "HTTP"}),
        res(OVERRIDE, "notifications", {"service_id": "srv-123", "notifications_to_send": "failure"}),
    ]


def replace(resources, name, props):
    return [
        StackResource(r.resource_type, r.name, r.urn, props, r.parent_urn) if r.name == name else r for r in resources
    ]


def test_healthy_stack_passes():
    for rule in (rds_instance_ssl_parameter_group, monitoring_coverage):
        assert run_stack_rule(rule.RULE, healthy_stack()).violations == []


@pytest.mark.parametrize(
    ("db_changes", "pg_params", "expected"),
    [
        ({"parameterGroupName": None}, None, "parameterGroupName is not set (the default group is not managed here)"),
        (
            {"parameterGroupName": "default.postgres16"},
            None,
            'parameter group "default.postgres16" is not a parameter group of this stack',
        ),
        (
            {},
            [{"name": "rds.force_ssl", "value": "0"}],
            'parameter group "kk-staging-pg" does not set rds.force_ssl = 1',
        ),
    ],
)
def test_instance_without_ssl_group_fails(db_changes, pg_params, expected):
    resources = replace(healthy_stack(), "db", baseline(RDS_INSTANCE, **db_changes))
    if pg_params is not None:
        resources = replace(resources, "pg", baseline(PARAMETER_GROUP, parameters=pg_params))
    verdict = run_stack_rule(rds_instance_ssl_parameter_group.RULE, resources)
    assert messages(verdict) == [f'{RDS_INSTANCE} "db": {expected}']
    assert verdict.violations[0].urn.endswith("::db")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda rs: [r for r in rs if r.resource_type != MONITOR],
            "no uptime monitor checks its health URL (.../healthz)",
        ),
        (
            lambda rs: replace(rs, "uptime", {"url": "https://kk-staging.onrender.com/"}),
            "no uptime monitor checks its health URL (.../healthz)",
        ),
        (
            lambda rs: replace(rs, "uptime", {"url": "https://elsewhere.example.com/healthz"}),
            "no uptime monitor checks its health URL (.../healthz)",
        ),
        (lambda rs: [r for r in rs if r.resource_type != ENV_VAR], "no SENTRY_DSN env var is set for it"),
        (
            lambda rs: replace(rs, "dsn", {"serviceId": "srv-other", "envVarKey": "SENTRY_DSN", "value": "x"}),
            "no SENTRY_DSN env var is set for it",
        ),
        (lambda rs: [r for r in rs if r.resource_type != OVERRIDE], NO_DEPLOY_FAILURES),
        (
            lambda rs: replace(rs, "notifications", {"service_id": "srv-123", "notifications_to_send": "none"}),
            NO_DEPLOY_FAILURES,
        ),
        (
            lambda rs: replace(rs, "notifications", {"service_id": "srv-other", "notifications_to_send": "all"}),
            NO_DEPLOY_FAILURES,
        ),
    ],
)
def test_monitoring_gaps(change, expected):
    verdict = run_stack_rule(monitoring_coverage.RULE, change(healthy_stack()))
    assert messages(verdict) == [f'{WEB_SERVICE} "web": {expected}']


def test_monitor_module_may_differ_and_dsn_may_be_in_the_service_env():
    resources = [r for r in healthy_stack() if r.resource_type not in (MONITOR, ENV_VAR)]
    props = web_state()
    props["envVars"].append({"key": "SENTRY_DSN", "value": "https://k@o1.ingest.sentry.io/1"})
    resources = replace(resources, "web", props)
    resources.append(
        res(
            "pulumi-python:dynamic/components.uptimerobot.provider:Monitor",
            "m",
            {"url": "https://kk-staging.onrender.com/healthz"},
        )
    )
    assert run_stack_rule(monitoring_coverage.RULE, resources).violations == []


SITE = "render:services:StaticSite"
SITE_COMPONENT = "urn:pulumi:staging::kitchen-kontrol::kitchen-kontrol:index:RenderStaticSite::frontend"
SITE_URL = "https://kk-staging-frontend.onrender.com"


def stack_with_site():
    """The healthy stack plus the app's frontend: a static site, a monitor of its page, its own override."""
    site = {"id": "srv-456", "name": "kk-staging-frontend", "serviceDetails": {"url": SITE_URL}}
    return [
        *healthy_stack(),
        res(SITE, "frontend", site, SITE_COMPONENT),
        res(MONITOR, "frontend-uptime", {"url": SITE_URL, "type": "HTTP"}),
        res(OVERRIDE, "frontend-notifications", {"service_id": "srv-456", "notifications_to_send": "failure"}),
    ]


def test_a_watched_static_site_passes():
    assert run_stack_rule(monitoring_coverage.RULE, stack_with_site()).violations == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda rs: [r for r in rs if r.name != "frontend-uptime"],
            "no uptime monitor checks a page of the static site",
        ),
        (
            # The API's health monitor is no monitor of the site.
            lambda rs: replace(rs, "frontend-uptime", {"url": "https://kk-staging.onrender.com/"}),
            "no uptime monitor checks a page of the static site",
        ),
        (
            lambda rs: [r for r in rs if r.name != "frontend-notifications"],
            "Render does not notify about its failed builds (no notification override sending failure or all)",
        ),
        (
            # The API's override does not cover the site.
            lambda rs: replace(
                rs, "frontend-notifications", {"service_id": "srv-123", "notifications_to_send": "failure"}
            ),
            "Render does not notify about its failed builds (no notification override sending failure or all)",
        ),
    ],
)
def test_static_site_gaps(change, expected):
    verdict = run_stack_rule(monitoring_coverage.RULE, change(stack_with_site()))
    assert messages(verdict) == [f'{SITE} "frontend": {expected}']


def records(resources, unknown_key=None):
    out = []
    for r in resources:
        props = dict(r.props)
        if unknown_key and r.name == "db":
            props[unknown_key] = Unknown()
        out.append(ResourceRecord(urn=r.urn, type=r.resource_type, name=r.name, inputs=props, parent=r.parent_urn))
    return out


def test_protocol_stack_policies(packs):
    broken = [r for r in healthy_stack() if r.resource_type != MONITOR]
    broken = replace(broken, "db", baseline(RDS_INSTANCE, parameterGroupName="default.postgres16"))
    diags = packs[("staging", False)].analyze_stack(records(broken))
    got = sorted(
        (d.policy_name, d.enforcement_level, d.urn.rsplit("::", 1)[1], d.message.split("\n", 1)[1]) for d in diags
    )
    assert got == [
        (
            "monitoring-coverage",
            "advisory",
            "web",
            f'{WEB_SERVICE} "web": no uptime monitor checks its health URL (.../healthz)',
        ),
        (
            "rds-instance-ssl-parameter-group",
            "mandatory",
            "db",
            f'{RDS_INSTANCE} "db": parameter group "default.postgres16" is not a parameter group of this stack',
        ),
    ]
    assert packs[("staging", False)].analyze_stack(records(healthy_stack())) == []


def test_protocol_stack_unknowns(packs):
    update = packs[("staging", False)].analyze_stack(records(healthy_stack(), "parameterGroupName"))
    assert [(d.enforcement_level, d.message.split("\n", 1)[1]) for d in update] == [
        (
            "mandatory",
            f'{RDS_INSTANCE} "db": parameterGroupName {FAIL_CLOSED}',
        )
    ]
    stack = records(healthy_stack(), "parameterGroupName")
    assert preview_notes(packs[("staging", True)], stack, rds_instance_ssl_parameter_group.NAME) == [
        "rds-instance-ssl-parameter-group: 1 resource has values known only during the update; the update checks "
        "them and fails closed"
    ]
