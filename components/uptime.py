"""UptimeMonitor: an UptimeRobot check of the health URL, alerting every on-call contact."""

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
        monitor = Monitor(
            f"{name}-health",
            MonitorArgs(
                name=args.monitor_name,
                url=args.health_url,
                interval=args.interval_seconds,
                # The plan's "alert after 2 failures"; UptimeRobot honours it on paid plans only.
                assigned_alert_contacts=[
                    AssignedAlertContact(alert_contact_id=c.id, threshold=args.failure_threshold) for c in contacts
                ],
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.monitor_id = monitor.id
        self.dashboard_url = monitor.dashboard_url
        self.register_outputs({"monitor_id": self.monitor_id, "dashboard_url": self.dashboard_url})
