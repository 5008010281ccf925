"""stop-before-production: no resource of a production stack changes without an open release window.

A resource policy on purpose: the engine runs resource policies on each resource's
inputs before that resource's step executes, so the first registration (the Stack
resource itself) already stops the update. A stack is production by its name, or by its
config, which the engine hands the pack before the first resource (``_stack_config``):
``kitchen-kontrol:appNodeEnv: production``, a value setting NODE_ENV=production or naming a
production AWS account. A production value met later in a resource's inputs stops the rest.
Stack policies only run after everything was created, which would be too late. Every
resource counts, components and the Stack included, so nothing can slip through.

This is the policy team's key.  The program checks its own window in the stack config
(``kitchen-kontrol:releaseWindow``); opening production takes both.  Both keys follow one
contract, written twice because the pack cannot import the program (stacks/guard.py) nor
the program the pack: fields ``stack``, ``approvedBy``, ``changeReference``, ``notBefore``,
``notAfter`` (texts of at most MAX_TEXT characters, timestamps ISO-8601 with a zone), the
half-open interval [notBefore, notAfter), at most MAX_WINDOW long, for the stack being
updated.  tests/test_release_window_contract.py feeds one table of windows to both and
requires the same verdict; ``window_problem`` here and in stacks/guard.py must stay step
for step the same.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from pulumi_policy import Severity

from ._support import (
    PRODUCTION_STACK_PATTERN_SCHEMA,
    Finding,
    ResourceContext,
    ResourceRule,
    is_production_stack,
    violation,
)
from .no_production_secrets import _ProductionMarkers, _scan

NAME = "stop-before-production"
WINDOW_FIELDS = ("stack", "approvedBy", "changeReference", "notBefore", "notAfter")
MAX_WINDOW = timedelta(hours=24)
MAX_TEXT = 200


def utcnow() -> datetime:
    """The clock; tests replace this module attribute."""
    return datetime.now(UTC)


def _parse_timestamp(window: Mapping[str, Any], key: str) -> tuple[datetime | None, str | None]:
    try:
        parsed = datetime.fromisoformat(window[key].strip())
    except ValueError:
        return None, f"releaseWindow.{key} is not an ISO-8601 timestamp (write e.g. 2026-12-01T09:00:00+00:00)"
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        return None, f"releaseWindow.{key} has no time zone (write e.g. 2026-12-01T09:00:00+00:00)"
    return parsed, None


def window_problem(window: Any, stack: str, now: datetime) -> str | None:
    """Why ``window`` does not open ``stack`` at ``now``; None when it does.  The contract's one algorithm."""
    if window is None:
        return "no release window is configured (policy config releaseWindow)"
    if isinstance(window, Mapping) and not window:  # as the program reads its key's default {}
        return "no release window is set"
    if not isinstance(window, Mapping):
        return "releaseWindow must be an object with " + ", ".join(WINDOW_FIELDS)
    unknown = sorted(str(k) for k in window if k not in WINDOW_FIELDS)
    if unknown:
        return f"releaseWindow has unknown field(s) {', '.join(unknown)}; expected " + ", ".join(WINDOW_FIELDS)
    missing = [k for k in WINDOW_FIELDS if window.get(k) is None or str(window.get(k)).strip() == ""]
    if missing:
        return "releaseWindow is missing field(s): " + ", ".join(missing)
    for key in WINDOW_FIELDS:
        if not isinstance(window[key], str):
            return f"releaseWindow.{key} must be a string"
        if len(window[key]) > MAX_TEXT:
            return f"releaseWindow.{key} is longer than {MAX_TEXT} characters"
    if window["stack"].strip() != stack:
        return f'releaseWindow is for stack "{window["stack"].strip()}", not "{stack}"'
    not_before, error = _parse_timestamp(window, "notBefore")
    if error:
        return error
    not_after, error = _parse_timestamp(window, "notAfter")
    if error:
        return error
    assert not_before is not None and not_after is not None
    if not_after <= not_before:
        return "releaseWindow.notAfter must be later than notBefore"
    if not_after - not_before > MAX_WINDOW:
        return f"releaseWindow is longer than the {MAX_WINDOW.total_seconds() / 3600:g} h maximum"
    if now < not_before:
        return f"release window {window['changeReference'].strip()} opens at {not_before.isoformat()}"
    if now >= not_after:
        return f"release window {window['changeReference'].strip()} closed at {not_after.isoformat()}"
    return None


# Stacks of this run already recognised as production by their values. The engine starts the pack
# once per operation, so from the first such resource on, every later one is stopped as well.
_PRODUCTION_BY_VALUE: set[str] = set()
# The program's key that sets the app's NODE_ENV; `production` there makes any stack production.
NODE_ENV_KEY = "appNodeEnv"


def _markers(ctx: ResourceContext) -> _ProductionMarkers:
    accounts = frozenset(str(a).strip() for a in ctx.config.get("productionAwsAccountIds") or ())
    return _ProductionMarkers(frozenset(), frozenset(), (), frozenset(), accounts)


def production_config_keys(ctx: ResourceContext) -> list[str]:
    """The stack-config keys that make this stack production: `<project>:appNodeEnv: production`, or a
    value that sets NODE_ENV=production or names a production AWS account (`aws:allowedAccountIds`,
    an assumed role's ARN). Known at the Stack resource, before the program declares anything."""
    found = []
    for key, value in sorted(ctx.stack_config.items()):
        if key.rpartition(":")[2] == NODE_ENV_KEY and value.strip().lower() == "production":
            found.append(key)
        elif any(not f.unknown for f in _scan({key: value}, "", ctx.label, _markers(ctx))):
            found.append(key)
    return found


def holds_production_values(ctx: ResourceContext) -> bool:
    """NODE_ENV=production, or a configured production AWS account, in the inputs or the provider's."""
    markers = _markers(ctx)
    for props in (ctx.props, ctx.provider_props or {}):
        if any(not finding.unknown for finding in _scan(props, "", ctx.label, markers)):
            return True
    return False


def production_reason(ctx: ResourceContext) -> str | None:
    """Why this stack is production ("" by its name, or by its config or values), or None."""
    if is_production_stack(ctx):
        return ""
    keys = production_config_keys(ctx)
    if keys:
        return f"by its config: {', '.join(keys)}"
    if ctx.stack in _PRODUCTION_BY_VALUE:
        return "by its values"
    if holds_production_values(ctx):
        _PRODUCTION_BY_VALUE.add(ctx.stack)
        return "by its values"
    return None


def is_production(ctx: ResourceContext) -> bool:
    """Production by name, by its config, or by production's values whatever the stack is called (`live`)."""
    return production_reason(ctx) is not None


def check(ctx: ResourceContext) -> Iterator[Finding]:
    if ctx.dry_run:
        return
    reason = production_reason(ctx)
    if reason is None:
        return
    problem = window_problem(ctx.config.get("releaseWindow"), ctx.stack, utcnow())
    if problem:
        why = f" (production {reason})" if reason else ""
        yield violation(f'update of production stack "{ctx.stack}"{why} stopped before {ctx.label} changes: {problem}')


RULE = ResourceRule(
    name=NAME,
    description=(
        "Stops any update of a production stack (by name, NODE_ENV=production or a production AWS account) "
        "unless the policy config carries an open release window for that stack (previews always pass)."
    ),
    severity=Severity.CRITICAL,
    remediation=(
        "Production changes need two keys. Get the release approved, then set releaseWindow "
        "(stack, approvedBy, changeReference, notBefore, notAfter as ISO-8601 with a zone; at most 24 h) under "
        '"stop-before-production" in policies/config.production.json AND the same fields in the program\'s '
        "kitchen-kontrol:releaseWindow in the stack config; run `pulumi up` inside the window."
    ),
    check=check,
    config_schema={
        "productionStackPattern": PRODUCTION_STACK_PATTERN_SCHEMA,
        "productionAwsAccountIds": {
            "type": "array",
            "items": {"type": "string", "pattern": "^[0-9]{12}$"},
            "default": [],
            "description": "12-digit AWS account ids of production: a stack using one is production whatever its name.",
        },
        "releaseWindow": {
            "type": "object",
            "properties": {field: {"type": "string"} for field in WINDOW_FIELDS},
            "additionalProperties": False,
            "description": (
                "The policy team's release window: stack, approvedBy, changeReference, "
                "notBefore, notAfter (ISO-8601 with zone; [notBefore, notAfter))."
            ),
        },
    },
)
