"""What every Render service of a stack gets once it is declared (the API's web service, the frontend's static
site): a deploy after the resources its build needs, its place in the stack's environment and its own
notification override. Children of the component that owns the service, with the names they always had."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

import pulumi
from pulumi_render import environments, services

from components.render.notifications import RenderNotificationOverride


def roll_out(
    name: str,
    owner: pulumi.Resource,
    service_id: pulumi.Output[str],
    *,
    build_needs: Sequence[pulumi.Resource],
    environment_id: Optional[pulumi.Input[str]],
    notifications_to_send: str,
    preview_notifications: str,
) -> RenderNotificationOverride:
    child = pulumi.ResourceOptions(parent=owner)
    # Creating a service starts a build before its env vars and files exist: deploy again once they do.
    services.Deploy(
        f"{name}-deploy-with-env",
        service_id=service_id,
        opts=pulumi.ResourceOptions(parent=owner, depends_on=list(build_needs)),
    )
    if environment_id is not None:
        environments.ResourcesToEnvironment(
            f"{name}-in-environment", environment_id=environment_id, resource_ids=[service_id], opts=child
        )
    return RenderNotificationOverride(
        f"{name}-notifications",
        service_id=service_id,
        notifications_to_send=notifications_to_send,
        preview_notifications_enabled=preview_notifications,
        opts=child,
    )
