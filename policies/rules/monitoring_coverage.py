"""monitoring-coverage (stack): every Render web service has an uptime monitor, a Sentry DSN and
Render's own deploy-failure notification.

Monitors are UptimeRobot dynamic resources (``pulumi-python:dynamic/...:Monitor``) whose
``url`` ends with the service's health check path; the DSN is a SENTRY_DSN env var set
for the service (``render:services:EnvVar``, ``EnvVarsForService`` or the service's own
``envVars``). The notification is the service's override
(``pulumi-python:dynamic/render:NotificationOverride``) sending ``failure`` or ``all``: a failed
deploy keeps the old version running, so only Render itself can say that a deploy failed.

Every Render static site (the app's React build) likewise has an uptime monitor of a page on its own
host (any path: a static site has no health check path) and its own failure notification override;
it reports no errors of its own to Sentry, so no DSN is asked of it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from pulumi_policy import Severity

from ._props import UnknownPropError, elements, get
from ._support import Finding, StackContext, StackResource, StackRule, unknown, violation
from ._types import (
    RENDER_CUSTOM_DOMAIN,
    RENDER_ENV_VAR,
    RENDER_ENV_VARS_FOR_SERVICE,
    RENDER_STATIC_SITE,
    RENDER_WEB_SERVICE,
    is_uptime_monitor,
)

NAME = "monitoring-coverage"
DSN_KEY = "SENTRY_DSN"
NOTIFICATION_OVERRIDE = "pulumi-python:dynamic/render:NotificationOverride"
SENDS_FAILURES = ("failure", "all")


def _has_dsn(env_vars: Any, path: str) -> bool:
    for at, entry in elements(env_vars, path):
        if isinstance(entry, Mapping) and get(entry, "key", path=at) == DSN_KEY:
            return True
    return False


def _same_service(r: StackResource, service: StackResource, service_id: Any) -> bool:
    target = get(r.props, "serviceId")
    if service_id is not None and target == service_id:
        return True
    # Without an id in the state, a sibling under the same component belongs to the service.
    return service_id is None and r.parent_urn is not None and r.parent_urn == service.parent_urn


def _service_hosts(service: StackResource, service_id: Any, resources: Sequence[StackResource]) -> set[str]:
    hosts = set()
    url = get(service.props, "serviceDetails", "url")
    if isinstance(url, str) and urlsplit(url).hostname:
        hosts.add(urlsplit(url).hostname or "")
    for r in resources:
        if r.resource_type == RENDER_CUSTOM_DOMAIN and _same_service(r, service, service_id):
            name = get(r.props, "name")
            if isinstance(name, str):
                hosts.add(name.lower())
    return hosts


def _monitored(service: StackResource, health: str | None, hosts: set[str], resources: Sequence[StackResource]) -> bool:
    """A monitor on `health` (any path when None) of one of `hosts` (any host when they are not known)."""
    for r in resources:
        if not is_uptime_monitor(r.resource_type):
            continue
        url = get(r.props, "url")
        if not isinstance(url, str):
            continue
        parts = urlsplit(url)
        if health is not None and parts.path.rstrip("/") != health.strip().rstrip("/"):
            continue
        # When the service's hosts are known, the monitor must point at one of them.
        if not hosts or (parts.hostname or "").lower() in hosts:
            return True
    return False


def _dsn_set(service: StackResource, service_id: Any, resources: Sequence[StackResource]) -> bool:
    if _has_dsn(get(service.props, "envVars"), "envVars"):
        return True
    for r in resources:
        if r.resource_type == RENDER_ENV_VAR and _same_service(r, service, service_id):
            if get(r.props, "envVarKey") == DSN_KEY:
                return True
        elif r.resource_type == RENDER_ENV_VARS_FOR_SERVICE and _same_service(r, service, service_id):
            if _has_dsn(get(r.props, "envVars"), "envVars"):
                return True
    return False


def _failures_notified(service: StackResource, service_id: Any, resources: Sequence[StackResource]) -> bool:
    for r in resources:
        if r.resource_type == NOTIFICATION_OVERRIDE:
            target = get(r.props, "service_id")
            mine = target == service_id if service_id is not None else r.parent_urn == service.parent_urn
            if mine and get(r.props, "notifications_to_send") in SENDS_FAILURES:
                return True
    return False


def _unnotified(service: StackResource, failures: str) -> Finding:
    """A service or site Render says nothing about when its `failures` (deploys, builds) fail."""
    return violation(
        f"{service.label}: Render does not notify about its failed {failures} (no notification override "
        f"sending {' or '.join(SENDS_FAILURES)})",
        service.urn,
    )


def check(ctx: StackContext) -> Iterator[Finding]:
    for service in ctx.of_type(RENDER_WEB_SERVICE):
        try:
            service_id = get(service.props, "id")
            health = get(service.props, "serviceDetails", "healthCheckPath")
            if not isinstance(health, str) or not health.strip():
                yield violation(
                    f"{service.label}: no health check path, so no uptime monitor can watch it", service.urn
                )
            elif not _monitored(service, health, _service_hosts(service, service_id, ctx.resources), ctx.resources):
                yield violation(f"{service.label}: no uptime monitor checks its health URL (...{health})", service.urn)
            if not _dsn_set(service, service_id, ctx.resources):
                yield violation(f"{service.label}: no {DSN_KEY} env var is set for it", service.urn)
            if not _failures_notified(service, service_id, ctx.resources):
                yield _unnotified(service, "deploys")
        except UnknownPropError as exc:
            yield unknown(exc.path, service.label, service.urn)
    for site in ctx.of_type(RENDER_STATIC_SITE):
        try:
            site_id = get(site.props, "id")
            hosts = _service_hosts(site, site_id, ctx.resources)
            if not hosts or not _monitored(site, None, hosts, ctx.resources):
                yield violation(f"{site.label}: no uptime monitor checks a page of the static site", site.urn)
            if not _failures_notified(site, site_id, ctx.resources):
                yield _unnotified(site, "builds")
        except UnknownPropError as exc:
            yield unknown(exc.path, site.label, site.urn)


RULE = StackRule(
    name=NAME,
    description=(
        "Every Render web service must have an uptime monitor on its health URL, a Sentry DSN and Render's "
        "deploy-failure notification; every Render static site an uptime monitor of its pages and that notification."
    ),
    severity=Severity.MEDIUM,
    remediation=(
        "Create an UptimeRobot Monitor (components.uptimerobot) whose url is the service URL plus its "
        "health check path, and a render.services.EnvVar SENTRY_DSN (the Sentry key's dsn_public) for "
        "the service, and a RenderNotificationOverride (components.render.notifications) sending failure; for a "
        "static site, a Monitor of its URL and its own RenderNotificationOverride."
    ),
    check=check,
)
