"""The Pulumi program: guard, settings, environment. `__main__.py` only calls `run()`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Callable

import pulumi
from pulumi.runtime import config as runtime_config

from stacks.guard import ProductionUpdateRefused, check_update_allowed
from stacks.settings import PROJECT, ConfigError, Settings, parse_settings, stack_file


class InvalidConfiguration(pulumi.RunError):
    """Bad stack config. A RunError, so the CLI prints the message alone, without a traceback."""


class UpdateRefused(pulumi.RunError):
    """The program will not apply this stack (production without an open window, unreachable database)."""


def project_config() -> dict[str, Any]:
    """Every key of the project's namespace, as the engine handed them to the program."""
    prefix = f"{PROJECT}:"
    merged = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    return {key[len(prefix) :]: value for key, value in merged.items() if key.startswith(prefix)}


def run(now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
    stack = pulumi.get_stack()
    raw = project_config()
    try:
        note = check_update_allowed(stack, pulumi.runtime.is_dry_run(), raw.get("releaseWindow"), now())
        if not raw:
            raise ConfigError(f"stack {stack!r} has no {PROJECT}:* configuration; expected {stack_file(stack)}")
        settings = parse_settings(stack, raw)
    except ProductionUpdateRefused as exc:
        raise UpdateRefused(str(exc)) from None
    except ConfigError as exc:
        raise InvalidConfiguration(str(exc)) from None
    if note:
        pulumi.log.warn(note)
    _refuse_unfinished_update(settings)

    from stacks.environment import build_environment, export_outputs  # providers load only for valid settings

    export_outputs(build_environment(settings))


def _refuse_unfinished_update(settings: Settings) -> None:
    for problem in settings.unfinished():
        if not pulumi.runtime.is_dry_run():
            raise UpdateRefused(
                f"refusing an update that would build a broken environment: {problem} in {stack_file(settings.stack)}"
            )
        pulumi.log.warn(f"{problem} in {stack_file(settings.stack)} before an update")
