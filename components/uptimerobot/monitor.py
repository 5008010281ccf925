"""UptimeRobot HTTP(S) monitor: `/monitors` in API v3. `MonitorArgs` is its property table."""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pulumi

from components.rules import FREE_PLAN_MIN_INTERVAL_SECONDS
from components.saas_http import LOG

from .base import PROVIDER_VERSION, UptimeRobotProvider, UptimeRobotResource
from .kinds import Flag, Text, Whole
from .schema import Output, ResourceArgs, Row, Rows, Schema, column

if TYPE_CHECKING:
    from .client import UptimeRobotClient

DASHBOARD_URL = "https://dashboard.uptimerobot.com/monitors/{id}"
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
MIN_INTERVAL = 30  # the API's minimum; the free plan's is FREE_PLAN_MIN_INTERVAL_SECONDS
MAX_INTERVAL = 86400
TYPES_BY_NUMBER = {1: "HTTP", 2: "KEYWORD", 3: "PING", 4: "PORT", 5: "HEARTBEAT"}


def _only_http(value: str, given: Any) -> str | None:
    if value == "HTTP":
        return None
    return f"type must be 'HTTP' (got {given!r}); only HTTP(S) monitors are supported"


def _absolute_http_url(value: str, given: Any) -> str | None:
    parsed = urllib.parse.urlparse(value)
    if parsed.scheme in ("http", "https") and parsed.netloc:
        return None
    return f"url must be an absolute http:// or https:// URL, got {value!r}"


def _http_method(value: str, given: Any) -> str | None:
    return None if value in HTTP_METHODS else f"http_method_type must be one of {', '.join(HTTP_METHODS)}"


@dataclass
class AssignedAlertContact(Row):
    """Who to alert, after how many failed checks (threshold), re-alerting every `recurrence` checks.

    threshold/recurrence are honoured on paid plans only; the free plan alerts at once.
    """

    alert_contact_id: pulumi.Input[str] = field(metadata=column("alertContactId", Text()))
    threshold: pulumi.Input[int] = field(default=0, metadata=column("threshold", Whole(minimum=0)))
    recurrence: pulumi.Input[int] = field(default=0, metadata=column("recurrence", Whole(minimum=0)))


@dataclass
class MonitorArgs(ResourceArgs):
    """An HTTP(S) monitor. `name` defaults to the Pulumi resource name; `type` is create-only."""

    url: pulumi.Input[str] = field(metadata=column("url", Text(problem=_absolute_http_url)))
    name: pulumi.Input[str] | None = field(default=None, metadata=column("friendlyName", Text()))
    type: pulumi.Input[str] = field(
        default="HTTP",
        metadata=column("type", Text(case=str.upper, problem=_only_http, codes=TYPES_BY_NUMBER), create_only=True),
    )
    interval: pulumi.Input[int] = field(  # seconds
        default=FREE_PLAN_MIN_INTERVAL_SECONDS, metadata=column("interval", Whole(MIN_INTERVAL, MAX_INTERVAL))
    )
    timeout: pulumi.Input[int] = field(default=30, metadata=column("timeout", Whole(1, 60)))  # seconds
    http_method_type: pulumi.Input[str] = field(
        default="GET", metadata=column("httpMethodType", Text(case=str.upper, problem=_http_method))
    )
    follow_redirections: pulumi.Input[bool] = field(default=True, metadata=column("followRedirections", Flag()))
    check_ssl_errors: pulumi.Input[bool] = field(default=True, metadata=column("checkSSLErrors", Flag()))
    assigned_alert_contacts: Sequence[AssignedAlertContact | Mapping[str, Any]] = field(
        default_factory=list,
        metadata=column("assignedAlertContacts", Rows(AssignedAlertContact, noun="alert contact")),
    )
    provider_version: str = field(default=PROVIDER_VERSION, metadata=column(None, Text(required=False)))


MONITOR = Schema(
    MonitorArgs,
    outputs={
        "status": Output(
            "Monitor state as UptimeRobot reports it (e.g. NOT_CHECKED, UP, DOWN, PAUSED); refreshed by "
            "`pulumi refresh`.",
            api="status",
        ),
        "dashboard_url": Output(DASHBOARD_URL.format(id="<id>"), derive=lambda id_: DASHBOARD_URL.format(id=id_)),
    },
)


class MonitorProvider(UptimeRobotProvider):
    """HTTP(S) monitor: `/monitors` in API v3."""

    schema = MONITOR
    kind = "monitor"
    path = "/monitors"
    envelope = "monitor"

    def _find(self, client: UptimeRobotClient, desired: Mapping[str, Any], deadline: float):
        """Find an existing monitor with the same name, URL and type (adoption).

        Reads every page (up to the page cap): a match on a page it skipped would become a
        duplicate. A listing that loops, outgrows the cap or outlasts the retry budget fails, so
        nothing is created on a partial look.
        """
        query = {"name": desired["name"], "url": desired["url"]}
        consequence = "so it cannot tell whether the monitor exists; nothing was created"
        matches = [
            m
            for m in client.listing(self.path, query, deadline, "monitors", consequence)
            if isinstance(m, Mapping)
            and m.get("friendlyName") == desired["name"]
            and m.get("url") == desired["url"]
            and self.schema.read(m, desired)["type"] == desired["type"]
            and self._adoptable(m)
        ]
        if not matches:
            return None
        matches.sort(key=lambda m: int(m["id"]) if str(m["id"]).isdigit() else 0)
        if len(matches) > 1:
            LOG.warning(
                "UptimeRobot: %d monitors share this name and URL; adopting id %s", len(matches), matches[0]["id"]
            )
        return matches[0]


class Monitor(UptimeRobotResource, module="uptimerobot", name="Monitor"):
    """UptimeRobot HTTP(S) monitor (API v3 `/monitors`); every MonitorArgs property, `status` and `dashboard_url`."""

    provider_class = MonitorProvider
