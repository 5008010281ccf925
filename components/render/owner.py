"""The Render workspace an API key sees, when the stack does not name one."""

from __future__ import annotations

import pulumi


def only_owner(items) -> str:
    ids = [item.owner.id for item in items or [] if item.owner is not None]
    if len(ids) != 1:
        raise pulumi.RunError(
            f"the Render API key sees {len(ids)} workspaces; set kitchen-kontrol:renderOwnerId to one of them"
        )
    return ids[0]
