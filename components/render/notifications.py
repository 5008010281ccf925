"""RenderNotificationOverride: which of a service's events Render e-mails to the workspace's members.

pulumi-render 0.6.0 only reads notification settings, so this dynamic resource writes them:
``PATCH /v1/notification-settings/overrides/services/{serviceId}`` with ``notificationsToSend``
(``default`` | ``all`` | ``failure`` | ``none``: ``failure`` sends a failed deploy, a suspended
service and a failed health check) and ``previewNotificationsEnabled`` (``default`` | ``true`` |
``false``, as strings). Delete puts both back to ``default`` (the workspace's own setting).

The call goes through the shared HTTP stack (components/saas_http). The API key is the one the
pulumi-render provider reads, ``RENDER_APIKEY``, taken from the environment at call time, never from
inputs, so it never reaches state, outputs or messages (``RENDER_API_URL`` points at another base
URL, a local fake in the rehearsal). See docs/render-notifications.md.
"""

from __future__ import annotations

import functools
import os
import re
import urllib.parse
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

from components.rules import RENDER_NOTIFICATIONS, RENDER_PREVIEW_NOTIFICATIONS
from components.saas_http import ApiError, Limits, NotFoundError, Service, first_credential, reported

if TYPE_CHECKING:
    from components.saas_http.client import ApiClient

PROVIDER_VERSION = "1"
KEY_ENV = "RENDER_APIKEY"  # the pulumi-render provider's own variable (not RENDER_API_KEY)
URL_ENV = "RENDER_API_URL"
NOTIFICATIONS_TO_SEND = RENDER_NOTIFICATIONS
PREVIEW_NOTIFICATIONS = RENDER_PREVIEW_NOTIFICATIONS
SERVICE_ID = re.compile(r"^srv-[a-z0-9]{4,40}$")
RENDER = Service(
    name="Render",
    env_prefix="RENDER",
    default_url="https://api.render.com/v1",
    credential_help=f"export {KEY_ENV}=<key> (Render dashboard > Account settings > API keys)",
    credential_name="API key",
    url_setting=URL_ENV,
    user_agent="kitchen-kontrol-infra-render/1",
)
F = TypeVar("F", bound=Callable[..., Any])
_KEYS = ("service_id", "notifications_to_send", "preview_notifications_enabled")


def render_client(environ: Mapping[str, str] | None = None) -> ApiClient:
    from components.saas_http.client import ApiClient  # the HTTP half, only when the API is called

    environ = os.environ if environ is None else environ
    return ApiClient(
        RENDER,
        first_credential(environ, [KEY_ENV]),
        environ.get(URL_ENV) or None,
        limits=Limits.from_environment(RENDER, environ),
    )


def _path(service_id: str) -> str:
    return f"/notification-settings/overrides/services/{urllib.parse.quote(service_id, safe='')}"


def _boundary(method: F) -> F:
    """Whatever leaves a provider method is reported by type and redacted text only."""

    @functools.wraps(method)
    def guarded(*args: Any) -> Any:
        with reported("Render", [os.environ.get(KEY_ENV)]):
            return method(*args)

    return guarded  # type: ignore[return-value]


def override_problems(props: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(property, reason) for each input that Render would refuse; unknown values pass (preview)."""
    problems = []
    service_id = props.get("service_id")
    if isinstance(service_id, str) and not SERVICE_ID.match(service_id):
        problems.append(("service_id", "service_id must be a Render service id (srv-…)"))
    for key, choices in (
        ("notifications_to_send", NOTIFICATIONS_TO_SEND),
        ("preview_notifications_enabled", PREVIEW_NOTIFICATIONS),
    ):
        if props.get(key) not in choices:
            problems.append((key, f"{key} must be one of {', '.join(choices)}"))
    return problems


def _answer(service_id: str, reply: Any) -> dict[str, Any]:
    if not isinstance(reply, Mapping) or reply.get("notificationsToSend") not in NOTIFICATIONS_TO_SEND:
        raise ApiError(f"Render: the notification override of {service_id} came back without notificationsToSend")
    previews = str(reply.get("previewNotificationsEnabled", "default")).lower()
    return {
        "service_id": service_id,
        "notifications_to_send": reply["notificationsToSend"],
        "preview_notifications_enabled": previews,
    }


class NotificationOverrideProvider(ResourceProvider):
    """Holds no state: the key and the HTTP client are made per call from the environment."""

    @_boundary
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return CheckResult(news, [CheckFailure(key, why) for key, why in override_problems(news)])

    @_boundary
    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [k for k in (*_KEYS, "provider_version") if olds.get(k) != news.get(k)]
        # Another service is another override: the old one goes back to default first.
        replaces = [k for k in changed if k == "service_id"]
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=True)

    def _write(self, props: Mapping[str, Any]) -> dict[str, Any]:
        service_id = props["service_id"]
        body = {
            "notificationsToSend": props["notifications_to_send"],
            "previewNotificationsEnabled": props["preview_notifications_enabled"],
        }
        return _answer(service_id, render_client().request("PATCH", _path(service_id), body))

    @_boundary
    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(props["service_id"], {**props, **self._write(props)})

    @_boundary
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            found = _answer(id_, render_client().request("GET", _path(id_)))
        except NotFoundError:
            return ReadResult(None, {})  # the service is gone, and its override with it
        return ReadResult(id_, {**props, **found})

    @_boundary
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult({**news, **self._write(news)})

    @_boundary
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        try:
            render_client().request(
                "PATCH", _path(id_), {"notificationsToSend": "default", "previewNotificationsEnabled": "default"}
            )
        except NotFoundError:
            pass  # the service is gone: nothing to restore


class RenderNotificationOverride(pulumi.dynamic.Resource, module="render", name="NotificationOverride"):
    """A Render service's notification override (its id is the service id)."""

    service_id: pulumi.Output[str]
    notifications_to_send: pulumi.Output[str]
    preview_notifications_enabled: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        *,
        service_id: pulumi.Input[str],
        notifications_to_send: str = "failure",
        preview_notifications_enabled: str = "default",
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "service_id": service_id,
            "notifications_to_send": notifications_to_send,
            "preview_notifications_enabled": preview_notifications_enabled,
        }
        # Validated at construction, so a bad value fails before the engine sees the resource.
        problems = override_problems(props)
        if problems:
            raise ValueError("; ".join(why for _, why in problems))
        super().__init__(NotificationOverrideProvider(), name, {**props, "provider_version": PROVIDER_VERSION}, opts)
