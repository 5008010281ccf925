"""Alerting: Sentry, UptimeRobot, the database alarms, the on-call people and their escalation."""

from __future__ import annotations

import re
from typing import Any, Literal, Optional

from pydantic import Field, field_validator, model_validator

from components.rules import FREE_PLAN_MIN_INTERVAL_SECONDS, MIN_UPTIME_INTERVAL_SECONDS, SENTRY_SLUG_PATTERN
from stacks.settings.base import PROJECT, SettingsModel
from stacks.settings.slack import SlackAlerts

_RESERVED_DOMAIN = re.compile(r"@(.+\.)?(example\.(com|net|org)|[^@]+\.(example|test|invalid))$")


def is_reserved_example_address(email: str) -> bool:
    """RFC 2606 example domains: addresses nobody reads."""
    return bool(_RESERVED_DOMAIN.search(email))


_CONTACT = re.compile(r"^(?P<role>[a-z]+):\s*(?P<name>[^<>]+?)\s*<(?P<email>[^<>\s]+)>$")
_EMAIL = re.compile(
    r"^(?=.{3,254}$)[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
CONTACT_ROLES = ("primary", "backup")


class Contact(SettingsModel):
    role: Literal["primary", "backup"]
    name: str = Field(min_length=1, max_length=100)
    email: str

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        """`primary: Jane Doe <jane@example.com>` -> fields; a bad entry fails on its own index."""
        if not isinstance(value, str):
            return value
        match = _CONTACT.match(value)
        if not match or match["role"] not in CONTACT_ROLES or not _EMAIL.match(match["email"]):
            raise ValueError('expected entries like "primary: Jane Doe <jane@example.com>" (role primary or backup)')
        return {"role": match["role"], "name": match["name"], "email": match["email"].lower()}


# "15m: primary", "30m: backup", "1h: Jane Doe <jane@example.com>": who is paged at each level and
# the minutes after an alert by which that level must have responded before the next one is paged.
_ESCALATION = re.compile(r"^(?P<time>\d{1,4})(?P<unit>m|h)\s*:\s*(?P<who>.+?)\s*$")
_PERSON = re.compile(r"^(?P<name>[^<>]+?)\s*<(?P<email>[^<>\s]+)>$")
ESCALATION_FORMAT = '"15m: primary", "30m: backup" or "1h: Jane Doe <jane@example.com>"'


class EscalationLevel(SettingsModel):
    """One escalation level: the on-call people of a role, or one named person."""

    response_minutes: int = Field(ge=1, le=10080)
    oncall_role: Optional[Literal["primary", "backup"]] = None
    name: Optional[str] = Field(default=None, min_length=1, max_length=100)
    email: Optional[str] = None


DEFAULT_ESCALATION = ("15m: primary",)  # as a stack file writes it


class MonitoringSettings(SettingsModel):
    sentry_organization: str = Field(
        pattern=SENTRY_SLUG_PATTERN,
        alias="sentryOrganization",
        description="Sentry organization slug that owns the project.",
    )
    # Sentry slugs end at 50 characters, and `-<stack>` is appended.
    sentry_team: str = Field(
        default="kitchen-kontrol",
        pattern=r"^[a-z0-9][a-z0-9_-]{0,29}$",
        alias="sentryTeam",
        description=(
            "Prefix of the environment's own Sentry team, <sentryTeam>-<stack>, which owns the project and "
            "receives its alerts (at most 30 characters)."
        ),
    )
    uptime_interval_seconds: int = Field(
        default=FREE_PLAN_MIN_INTERVAL_SECONDS,
        ge=MIN_UPTIME_INTERVAL_SECONDS,
        le=86400,
        alias="uptimeIntervalSeconds",
        description=(
            f"UptimeRobot check interval in seconds (the free plan needs {FREE_PLAN_MIN_INTERVAL_SECONDS} or more)."
        ),
    )
    uptime_failure_threshold: int = Field(
        default=2,
        ge=1,
        le=10,
        alias="uptimeFailureThreshold",
        description="Consecutive failed checks before on-call is alerted.",
    )
    alarm_cpu_percent: int = Field(
        default=80,
        ge=1,
        le=100,
        alias="alarmCpuPercent",
        description="CloudWatch alarm threshold for the database's CPU, in percent.",
    )
    alarm_free_storage_gib: int = Field(
        default=2,
        ge=1,
        le=1000,
        alias="alarmFreeStorageGib",
        description="CloudWatch alarm threshold for the database's free storage, in GiB.",
    )
    alarm_connections: int = Field(
        default=60,
        ge=1,
        le=5000,
        alias="alarmConnections",
        description="CloudWatch alarm threshold for the database's connection count.",
    )
    # Empty is reported as "at least one primary".
    contacts: tuple[Contact, ...] = Field(
        max_length=20,
        alias="oncallContacts",
        description=(
            'On-call people, one per entry: "primary: Jane Doe <jane@example.com>" (role primary or backup). '
            "Feeds every alert channel."
        ),
    )

    slack_alerts: Optional[SlackAlerts] = Field(
        default=None,
        alias="slackAlerts",
        description=(
            "Slack for every alert channel, off when unset: an object with channel (#alerts), channelId, "
            "workspaceId (AWS Chatbot) and sentryIntegrationId; the UptimeRobot webhook URL comes from the "
            "UPTIMEROBOT_SLACK_WEBHOOK_URL environment variable, never from a stack file."
        ),
    )

    @field_validator("contacts")
    @classmethod
    def _one_list(cls, contacts: tuple[Contact, ...]) -> tuple[Contact, ...]:
        first: dict[str, int] = {}
        for index, contact in enumerate(contacts):
            if contact.email in first:
                raise ValueError(f"expected each email once; [{index}] repeats [{first[contact.email]}]")
            first[contact.email] = index
        if not any(c.role == "primary" for c in contacts):
            raise ValueError("expected at least one primary contact")
        return contacts

    @property
    def emails(self) -> list[str]:
        return [contact.email for contact in self.contacts]

    # After `contacts`, so its validator can check the roles it names against the on-call list.
    escalation: tuple[EscalationLevel, ...] = Field(
        default=DEFAULT_ESCALATION,
        validate_default=True,
        min_length=1,
        max_length=10,
        alias="escalationLevels",
        description=(
            'Escalation levels in order, each "RESPONSE: WHO" - the minutes (15m) or hours (1h) after an alert by '
            "which that level must respond before the next is paged, and who: primary or backup (the on-call "
            'contacts of that role) or "Jane Doe <jane@example.com>". Shown in the runbook.'
        ),
    )

    @field_validator("escalation", mode="before")
    @classmethod
    def _parse_escalation(cls, values: Any) -> Any:
        if not isinstance(values, (list, tuple)) or not all(isinstance(v, str) for v in values):
            return values
        parsed = []
        for value in values:
            match = _ESCALATION.match(value)
            person = _PERSON.match(match["who"]) if match else None
            if not match or not (match["who"] in CONTACT_ROLES or (person and _EMAIL.match(person["email"]))):
                raise ValueError(f"expected entries like {ESCALATION_FORMAT}")
            minutes = int(match["time"]) * (60 if match["unit"] == "h" else 1)
            if person:
                parsed.append({"response_minutes": minutes, "name": person["name"], "email": person["email"].lower()})
            else:
                parsed.append({"response_minutes": minutes, "oncall_role": match["who"]})
        times = [level["response_minutes"] for level in parsed]
        if times != sorted(set(times)):  # strictly increasing
            raise ValueError("expected response times that increase from one level to the next")
        return parsed

    @field_validator("escalation")
    @classmethod
    def _roles_on_call(cls, levels: tuple[EscalationLevel, ...], info) -> tuple[EscalationLevel, ...]:
        contacts = info.data.get("contacts")
        if contacts is None:  # the contacts are invalid and reported on their own key
            return levels
        roles = {contact.role for contact in contacts}
        for level in levels:
            if level.oncall_role and level.oncall_role not in roles:
                raise ValueError(f"names the {level.oncall_role} on-call, but {PROJECT}:oncallContacts has none")
        return levels
