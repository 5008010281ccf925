"""UptimeMonitor: UptimeRobot checks of the API's health URL and, when the stack has one, of the frontend's
page (the React build on its own static site), each alerting every on-call contact."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import pulumi

from components import TOKEN_PREFIX, slug_of
from components.rules import FREE_PLAN_MIN_INTERVAL_SECONDS, MIN_UPTIME_INTERVAL_SECONDS
from components.uptimerobot import (
    AlertContact,
    AlertContactArgs,
    AssignedAlertContact,
    Monitor,
    MonitorArgs,
    SlackIntegration,
)


@dataclass(frozen=True, kw_only=True)
class OnCallContact:
    name: str
    email: str


@dataclass(frozen=True, kw_only=True)
class UptimeMonitorArgs:
    monitor_name: str
    health_url: pulumi.Input[str]
    contacts: Sequence[OnCallContact]
    interval_seconds: int = FREE_PLAN_MIN_INTERVAL_SECONDS
    failure_threshold: int = 2
    slack_channel: Optional[str] = None  # "#alerts": a Slack integration alerted like a contact
    frontend_url: Optional[pulumi.Input[str]] = None  # the frontend's page, checked by a second HTTP monitor
    frontend_monitor_name: Optional[str] = None  # defaults to "<monitor_name> frontend"

    def __post_init__(self) -> None:
        if not self.contacts:
            raise ValueError("contacts: expected at least one on-call contact")
        if self.interval_seconds < MIN_UPTIME_INTERVAL_SECONDS:
            raise ValueError(f"interval_seconds: expected at least {MIN_UPTIME_INTERVAL_SECONDS}")
        if not 1 <= self.failure_threshold <= 10:
            raise ValueError("failure_threshold: expected 1 to 10")


class UptimeMonitor(pulumi.ComponentResource):
    monitor_id: pulumi.Output[str]
    dashboard_url: pulumi.Output[str]
    frontend_monitor_id: Optional[pulumi.Output[str]]

    def __init__(self, name: str, args: UptimeMonitorArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(f"{TOKEN_PREFIX}UptimeMonitor", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        contacts: list = [
            AlertContact(
                f"{name}-contact-{slug_of(contact.email)}",
                AlertContactArgs(value=contact.email, name=contact.name),
                opts=pulumi.ResourceOptions(parent=self),
            )
            for contact in args.contacts
        ]
        if args.slack_channel:
            slack = SlackIntegration(
                f"{name}-slack", name=f"{args.monitor_name} Slack", channel=args.slack_channel, opts=child
            )
            contacts.append(slack)

        def http_monitor(suffix: str, monitor_name: str, url: pulumi.Input[str]) -> Monitor:
            return Monitor(
                f"{name}-{suffix}",
                MonitorArgs(
                    name=monitor_name,
                    url=url,
                    interval=args.interval_seconds,
                    # The plan's "alert after 2 failures"; UptimeRobot honours it on paid plans only.
                    assigned_alert_contacts=[
                        AssignedAlertContact(alert_contact_id=c.id, threshold=args.failure_threshold) for c in contacts
                    ],
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )

        monitor = http_monitor("health", args.monitor_name, args.health_url)
        outputs = {"monitor_id": monitor.id, "dashboard_url": monitor.dashboard_url}
        self.frontend_monitor_id = None
        if args.frontend_url is not None:
            frontend_name = args.frontend_monitor_name or f"{args.monitor_name} frontend"
            self.frontend_monitor_id = http_monitor("frontend", frontend_name, args.frontend_url).id
            outputs["frontend_monitor_id"] = self.frontend_monitor_id
        self.monitor_id = monitor.id
        self.dashboard_url = monitor.dashboard_url
        self.register_outputs(outputs)
