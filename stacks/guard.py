"""The program's key to production: an update of a production stack needs an open release window.

The policy pack's `stop-before-production` holds the second, independent key
(policies/config.production.json); an apply needs both.

Both keys follow one contract, written twice because neither side may import the other
(`policies/` runs as its own process with only its folder on the path):
fields `stack`, `approvedBy`, `changeReference`, `notBefore`, `notAfter` (texts of at most
MAX_TEXT characters; timestamps ISO-8601 with a zone), the half-open interval
[notBefore, notAfter), at most MAX_WINDOW long, for the stack being updated.
tests/test_release_window_contract.py feeds one table of windows to both and requires the
same verdict; `window_problem` here and in policies/rules/stop_before_production.py must
stay step for step the same.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Optional

from stacks.settings import PROJECT, stack_file

PRODUCTION_STACK = re.compile(r"^(prod|production)([-_].*)?$")
# A stack holding production's values is production whatever it is called (`live`, `prd`).
PRODUCTION_NODE_ENV = "production"
WINDOW_KEY = f"{PROJECT}:releaseWindow"
WINDOW_FIELDS = ("stack", "approvedBy", "changeReference", "notBefore", "notAfter")
MAX_WINDOW = timedelta(hours=24)
MAX_TEXT = 200


class ProductionUpdateRefused(Exception):
    """An update of a production stack without an open release window."""


@dataclass(frozen=True)
class WindowVerdict:
    open: bool
    reason: str


def is_production(stack: str, node_env: Any = None) -> bool:
    """Production by name (`production`, `prod-eu`), or by value: `appNodeEnv: production`."""
    by_value = isinstance(node_env, str) and node_env.strip().lower() == PRODUCTION_NODE_ENV
    return by_value or bool(PRODUCTION_STACK.match(stack))


def _parse_timestamp(window: Mapping[str, Any], key: str) -> tuple[Optional[datetime], Optional[str]]:
    try:
        parsed = datetime.fromisoformat(window[key].strip())
    except ValueError:
        return None, f"releaseWindow.{key} is not an ISO-8601 timestamp (write e.g. 2026-12-01T09:00:00+00:00)"
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        return None, f"releaseWindow.{key} has no time zone (write e.g. 2026-12-01T09:00:00+00:00)"
    return parsed, None


def window_problem(window: Any, stack: str, now: datetime) -> Optional[str]:
    """Why `window` does not open `stack` at `now`; None when it does. The contract's one algorithm."""
    # Pulumi.yaml declares the program's window with default {}: an empty window is no window.
    if window is None or (isinstance(window, Mapping) and not window):
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


def evaluate_window(raw: Optional[Any], now: datetime, stack: str) -> WindowVerdict:
    """Whether `now` lies in [notBefore, notAfter) of the stack config's window for `stack`, and why not.

    `raw` is the config value as the engine hands it to the program: JSON text (or the parsed object)."""
    if raw == "":
        raw = None
    elif isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return WindowVerdict(False, f"{WINDOW_KEY} is not a JSON object")
    problem = window_problem(raw, stack, now)
    if problem:
        return WindowVerdict(False, f"{WINDOW_KEY}: {problem}")
    return WindowVerdict(
        True,
        f"release window {raw['changeReference'].strip()} approved by {raw['approvedBy'].strip()} "
        f"is open until {datetime.fromisoformat(raw['notAfter'].strip()).isoformat()}",
    )


def check_update_allowed(
    stack: str, dry_run: bool, raw_window: Optional[Any], now: datetime, node_env: Any = None
) -> Optional[str]:
    """Raise ProductionUpdateRefused for a closed production update; return a note for the log, if any.

    `node_env` is the stack's raw `appNodeEnv`: production's value makes any stack production."""
    if not is_production(stack, node_env):
        return None
    verdict = evaluate_window(raw_window, now, stack)
    if dry_run:
        if verdict.open:
            return f"production stack {stack!r}: {verdict.reason}"
        return f"production stack {stack!r}: the apply is blocked (stop before production): {verdict.reason}"
    if not verdict.open:
        raise ProductionUpdateRefused(
            f"stop-before-production: refusing to update production stack {stack!r}: {verdict.reason}; "  # noqa: S608
            f"set an approved, open {WINDOW_KEY} in {stack_file(stack)} (and the policy pack's releaseWindow)"
        )
    return f"production stack {stack!r}: {verdict.reason}"
