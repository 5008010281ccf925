"""Stack config as the program receives it: namespace stripped, values stringified (PULUMI_CONFIG)."""

from __future__ import annotations

from ops.shared.project import as_config_string

# Must never appear in a config error: errors name the key, never its value.
CANARY = "CANARYvalue0123"
NAMESPACE = "kitchen-kontrol:"


def raw_from(stack_config: dict) -> dict:
    """The project's keys without their namespace, each value stringified as the offline plan and the engine do."""
    return {
        key.removeprefix(NAMESPACE): as_config_string(value)
        for key, value in stack_config.items()
        if key.startswith(NAMESPACE)
    }
