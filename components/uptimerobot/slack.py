"""UptimeRobot Slack integration: `/integrations` in API v3 (type Slack, the webhook URL, the channel).

Monitors reference an integration like an alert contact (`AssignedAlertContact(alert_contact_id=…)`).
The webhook URL is a secret (anyone holding it can post to the channel): it is read from
UPTIMEROBOT_SLACK_WEBHOOK_URL at call time, like the API key, and is never an input, an output or a
message. So a new URL is not a diff: `pulumi up --replace <urn>` re-creates the integration with it.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import pulumi
import pulumi.dynamic
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from components.saas_http import MissingCredentialError, NotFoundError, read_credential, reported

from .base import PROVIDER_VERSION
from .errors import UptimeRobotError
from .settings import resolve_settings

if TYPE_CHECKING:
    from .client import UptimeRobotClient

WEBHOOK_ENV = "UPTIMEROBOT_SLACK_WEBHOOK_URL"
CHANNEL = re.compile(r"^#[a-z0-9][a-z0-9._-]{0,79}$")
NOTIFY_UP_AND_DOWN = 1  # v3 enableNotificationsFor: 1 up and down, 2 down, 3 up, 4 none
F = TypeVar("F", bound=Callable[..., Any])
_KEYS = ("name", "channel")


def _webhook() -> str:
    url = read_credential(os.environ.get(WEBHOOK_ENV), WEBHOOK_ENV)
    if not url:
        raise MissingCredentialError(
            f"no Slack webhook for UptimeRobot: export {WEBHOOK_ENV} (Slack: an incoming webhook for the channel)"
        )
    if not url.startswith("https://hooks.slack.com/"):
        raise MissingCredentialError(f"{WEBHOOK_ENV} must be a Slack incoming-webhook URL (https://hooks.slack.com/…)")
    return url


def _boundary(method: F) -> F:
    """Neither the API key nor the webhook URL leaves a provider method, in any form."""

    @functools.wraps(method)
    def guarded(*args: Any) -> Any:
        with reported("UptimeRobot", [os.environ.get("UPTIMEROBOT_API_KEY"), os.environ.get(WEBHOOK_ENV)]):
            return method(*args)

    return guarded  # type: ignore[return-value]


def _client() -> UptimeRobotClient:
    from .client import UptimeRobotClient  # the HTTP stack, loaded when the API is first called

    s = resolve_settings(lambda _k: None, os.environ)
    return UptimeRobotClient(s.api_key, s.api_url, limits=s.limits, api_fields={"customValue": "channel"})


def _body(props: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "friendlyName": props["name"],
        "type": "Slack",
        "value": _webhook(),
        "customValue": props["channel"],
        "enableNotificationsFor": NOTIFY_UP_AND_DOWN,
        "sslExpirationReminder": False,
    }


def _outs(props: Mapping[str, Any], answer: Any) -> dict[str, Any]:
    """Inputs and what UptimeRobot says of them; never the answer's `value` (the webhook URL)."""
    answer = answer if isinstance(answer, Mapping) else {}
    return {
        "name": answer.get("friendlyName", props.get("name")),
        "channel": answer.get("customValue", props.get("channel")),
        "provider_version": props.get("provider_version", PROVIDER_VERSION),
    }


class SlackIntegrationProvider(ResourceProvider):
    """Holds no state: the API key, the webhook and the client are made per call from the environment."""

    @_boundary
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = []
        if not isinstance(news.get("name"), str) or not news["name"].strip():
            failures.append(CheckFailure("name", "name must be a non-empty string"))
        if isinstance(news.get("channel"), str) and not CHANNEL.match(news["channel"]):
            failures.append(CheckFailure("channel", "channel must be a Slack channel name such as #alerts"))
        return CheckResult(news, failures)

    @_boundary
    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [k for k in (*_KEYS, "provider_version") if olds.get(k) != news.get(k)]
        return DiffResult(changes=bool(changed), replaces=[], delete_before_replace=False)

    @_boundary
    def create(self, props: dict[str, Any]) -> CreateResult:
        client = _client()
        created = client.request("POST", "/integrations", _body(props))
        if not isinstance(created, Mapping) or created.get("id") in (None, ""):
            raise UptimeRobotError("UptimeRobot POST /integrations returned no id for the Slack integration")
        return CreateResult(str(created["id"]), _outs(props, created))

    @_boundary
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            found = _client().request("GET", f"/integrations/{id_}")
        except NotFoundError:
            return ReadResult(None, {})
        return ReadResult(id_, _outs(props, found))

    @_boundary
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(_outs(news, _client().request("PATCH", f"/integrations/{id_}", _body(news))))

    @_boundary
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        try:
            _client().request("DELETE", f"/integrations/{id_}")
        except NotFoundError:
            pass  # already gone


class SlackIntegration(pulumi.dynamic.Resource, module="uptimerobot", name="SlackIntegration"):
    """UptimeRobot's Slack integration posting to `channel`; its `.id` goes in AssignedAlertContact."""

    name: pulumi.Output[str]
    channel: pulumi.Output[str]

    def __init__(self, resource_name: str, *, name: str, channel: str, opts: pulumi.ResourceOptions | None = None):
        if not CHANNEL.match(channel):
            raise ValueError("channel: expected a Slack channel name such as #alerts")
        props = {"name": name, "channel": channel, "provider_version": PROVIDER_VERSION}
        super().__init__(SlackIntegrationProvider(), resource_name, props, opts)
