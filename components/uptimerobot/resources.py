"""Pulumi resources backed by the UptimeRobot dynamic providers.

Type tokens: `pulumi-python:dynamic/uptimerobot:Monitor` and
`pulumi-python:dynamic/uptimerobot:AlertContact`. Property names are kept as
written (snake_case, mirroring the official Terraform provider's schema).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi.dynamic

from .provider import PROVIDER_VERSION, AlertContactProvider, MonitorProvider


@dataclass
class AssignedAlertContact:
    """Who to alert, after how many failed checks (threshold), re-alerting every `recurrence` checks.

    threshold/recurrence are honoured on paid plans only; the free plan alerts at once.
    """

    alert_contact_id: pulumi.Input[str]
    threshold: pulumi.Input[int] = 0
    recurrence: pulumi.Input[int] = 0

    def to_props(self) -> dict[str, Any]:
        return {"alert_contact_id": self.alert_contact_id, "threshold": self.threshold, "recurrence": self.recurrence}


@dataclass
class MonitorArgs:
    """An HTTP(S) monitor. `name` defaults to the Pulumi resource name."""

    url: pulumi.Input[str]
    name: pulumi.Input[str] | None = None
    type: pulumi.Input[str] = "HTTP"
    interval: pulumi.Input[int] = 300  # seconds; 300 is also the free plan's minimum
    timeout: pulumi.Input[int] = 30  # seconds, 1..60
    http_method_type: pulumi.Input[str] = "GET"
    follow_redirections: pulumi.Input[bool] = True
    check_ssl_errors: pulumi.Input[bool] = True
    assigned_alert_contacts: Sequence[AssignedAlertContact | Mapping[str, Any]] = field(default_factory=list)
    provider_version: str = PROVIDER_VERSION

    def to_props(self, resource_name: str) -> dict[str, Any]:
        return {
            "name": self.name if self.name is not None else resource_name,
            "type": self.type,
            "url": self.url,
            "interval": self.interval,
            "timeout": self.timeout,
            "http_method_type": self.http_method_type,
            "follow_redirections": self.follow_redirections,
            "check_ssl_errors": self.check_ssl_errors,
            "assigned_alert_contacts": [
                c.to_props() if isinstance(c, AssignedAlertContact) else dict(c) for c in self.assigned_alert_contacts
            ],
            "provider_version": self.provider_version,
        }


class Monitor(pulumi.dynamic.Resource, module="uptimerobot", name="Monitor"):
    """UptimeRobot HTTP(S) monitor (API v3 `/monitors`)."""

    name: pulumi.Output[str]
    type: pulumi.Output[str]
    url: pulumi.Output[str]
    interval: pulumi.Output[int]
    timeout: pulumi.Output[int]
    http_method_type: pulumi.Output[str]
    follow_redirections: pulumi.Output[bool]
    check_ssl_errors: pulumi.Output[bool]
    assigned_alert_contacts: pulumi.Output[list]
    provider_version: pulumi.Output[str]
    status: pulumi.Output[str]
    """Monitor state as UptimeRobot reports it (e.g. NOT_CHECKED, UP, DOWN, PAUSED); refreshed by `pulumi refresh`."""
    dashboard_url: pulumi.Output[str]
    """https://dashboard.uptimerobot.com/monitors/<id>"""

    def __init__(self, resource_name: str, args: MonitorArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        # Output-only names must be present (as None) so the SDK exposes them as attributes.
        props = {**args.to_props(resource_name), "status": None, "dashboard_url": None}
        super().__init__(MonitorProvider(), resource_name, props, opts)


@dataclass
class AlertContactArgs:
    """A personal email alert contact. `name` defaults to the Pulumi resource name."""

    value: pulumi.Input[str]  # the email address
    name: pulumi.Input[str] | None = None
    type: pulumi.Input[str] = "email"
    provider_version: str = PROVIDER_VERSION

    def to_props(self, resource_name: str) -> dict[str, Any]:
        return {
            "name": self.name if self.name is not None else resource_name,
            "type": self.type,
            "value": self.value,
            "provider_version": self.provider_version,
        }


class AlertContact(pulumi.dynamic.Resource, module="uptimerobot", name="AlertContact"):
    """UptimeRobot email alert contact (API v3 `/alert-contacts`). Use `.id` in AssignedAlertContact."""

    name: pulumi.Output[str]
    type: pulumi.Output[str]
    value: pulumi.Output[str]
    provider_version: pulumi.Output[str]
    status: pulumi.Output[str]
    """Activation state as UptimeRobot reports it (new email contacts must be confirmed by mail)."""

    def __init__(self, resource_name: str, args: AlertContactArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        props = {**args.to_props(resource_name), "status": None}
        super().__init__(AlertContactProvider(), resource_name, props, opts)
