"""Stack config as the program receives it: namespace stripped, values stringified (PULUMI_CONFIG)."""

from __future__ import annotations

import json

# Must never appear in a config error: errors name the key, never its value.
CANARY = "CANARYvalue0123"


def raw_from(stack_config: dict) -> dict:
    """Strip the namespace and stringify as the engine does (PULUMI_CONFIG)."""
    out = {}
    for key, value in stack_config.items():
        if not key.startswith("kitchen-kontrol:"):
            continue
        name = key.split(":", 1)[1]
        if isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif isinstance(value, (list, dict, int)):
            out[name] = json.dumps(value)
        else:
            out[name] = value
    return out
