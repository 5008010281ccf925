"""The Pulumi program: guard, settings, environment. `__main__.py` only calls `run()`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Callable

import pulumi

from stacks.config_parsing import ConfigError, parse_settings
from stacks.guard import ProductionUpdateRefused, check_update_allowed, is_production
from stacks.protection import protect_every_resource
from stacks.sdk_internals import engine_config
from stacks.settings import PROJECT, stack_file


class InvalidConfiguration(pulumi.RunError):
    """Bad stack config. A RunError, so the CLI prints the message alone, without a traceback."""


class UpdateRefused(pulumi.RunError):
    """The program will not apply this stack (production without an open window, unreachable database)."""


def project_config() -> dict[str, Any]:
    """Every key of the project's namespace, as the engine handed them to the program."""
    prefix = f"{PROJECT}:"
    return {key[len(prefix) :]: value for key, value in engine_config().items() if key.startswith(prefix)}


def run(now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
    stack = pulumi.get_stack()
    raw = project_config()
    dry_run = pulumi.runtime.is_dry_run()
    # Every problem that blocks this run is collected and reported together, not the first one.
    blocking: list[str] = []
    note = None
    try:
        note = check_update_allowed(stack, dry_run, raw.get("releaseWindow"), now(), raw.get("appNodeEnv"))
    except ProductionUpdateRefused as exc:
        blocking.append(str(exc))
    settings = None
    try:
        if not raw:
            raise ConfigError(f"stack {stack!r} has no {PROJECT}:* configuration; expected {stack_file(stack)}")
        # Every key the engine handed over is checked, provider keys too (stacks/stack_keys.py).
        settings = parse_settings(stack, raw, config=engine_config(), now=now())
    except ConfigError as exc:
        config_error = str(exc)
        also = f"; also blocking the update: {'; '.join(blocking)}" if blocking else ""
        raise InvalidConfiguration(config_error + also) from None
    unfinished = [f"{problem} in {stack_file(stack)}" for problem in settings.unfinished()]
    if not dry_run and unfinished:
        blocking.append(f"refusing an update that would build a broken environment: {'; '.join(unfinished)}")
    if blocking:
        raise UpdateRefused("; ".join(blocking))
    if note:
        pulumi.log.warn(note)
    for problem in unfinished:
        pulumi.log.warn(f"{problem} before an update")

    if is_production(stack, raw.get("appNodeEnv")):
        # Before the first resource: `destroy` (also --exclude-protected, --target) deletes nothing.
        pulumi.runtime.register_resource_transform(protect_every_resource)

    from stacks.environment import build_environment, export_outputs  # providers load only for valid settings

    export_outputs(build_environment(settings))
