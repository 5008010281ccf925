"""ComponentResources of the Kitchen Kontrol environment.

Components take typed args and never read stack config: `stacks/` does that once.
Import the component modules directly (`from components.database import ...`) so a
program only pays for the provider SDK modules it uses.
"""

import re

TOKEN_PREFIX = "kitchen-kontrol:index:"  # noqa: S105 - a type token, not a secret


def slug_of(text: str) -> str:
    """A resource-name-safe form of an email address or label."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
