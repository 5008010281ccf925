"""ComponentResources of the Kitchen Kontrol environment.

Components take typed args and never read stack config: `stacks/` does that once.
Import the component modules directly (`from components.database import ...`) so a
program only pays for the provider SDK modules it uses.
"""

TOKEN_PREFIX = "kitchen-kontrol:index:"  # noqa: S105 - a type token, not a secret
