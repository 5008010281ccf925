"""The Render workspace an API key sees, when the stack does not name one."""

from __future__ import annotations

from typing import Optional

import pulumi
from pulumi_render import owners


def only_owner(items) -> str:
    ids = [item.owner.id for item in items or [] if item.owner is not None]
    if len(ids) != 1:
        raise pulumi.RunError(
            f"the Render API key sees {len(ids)} workspaces; set kitchen-kontrol:renderOwnerId to one of them"
        )
    return ids[0]


def owner_id_for(owner_id: Optional[str], parent: pulumi.Resource) -> pulumi.Input[str]:
    """The stack's `renderOwnerId`, or else the API key's only workspace (looked up as a child of `parent`)."""
    if owner_id:
        return owner_id
    return owners.list_owners_output(opts=pulumi.InvokeOutputOptions(parent=parent)).items.apply(only_owner)
