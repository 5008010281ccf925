"""The program's key to production: an update of a production stack needs an open release window.

The policy pack's `stop-before-production` holds the second, independent key
(policies/config.production.json); an apply needs both.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Optional

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator

from stacks.settings import PROJECT, stack_file

PRODUCTION_STACK = re.compile(r"^(prod|production)([-_].*)?$")
MAX_WINDOW = timedelta(hours=24)
WINDOW_KEY = f"{PROJECT}:releaseWindow"


class ProductionUpdateRefused(Exception):
    """An update of a production stack without an open release window."""


class ReleaseWindow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    approvedBy: str = Field(min_length=1, max_length=200)  # noqa: N815 - config field names
    changeReference: str = Field(min_length=1, max_length=200)  # noqa: N815
    notBefore: AwareDatetime  # noqa: N815
    notAfter: AwareDatetime  # noqa: N815

    @field_validator("notBefore", "notAfter", mode="before")
    @classmethod
    def _iso_text(cls, value: Any) -> Any:
        # pydantic would read a bare number as a Unix time; the window must be written out.
        if not isinstance(value, str) or "T" not in value:
            raise ValueError("expected an ISO-8601 timestamp with zone, e.g. 2026-12-01T09:00:00+00:00")
        return value


@dataclass(frozen=True)
class WindowVerdict:
    open: bool
    reason: str


def is_production(stack: str) -> bool:
    return bool(PRODUCTION_STACK.match(stack))


def evaluate_window(raw: Optional[Any], now: datetime) -> WindowVerdict:
    """Whether `now` lies in [notBefore, notAfter) of the configured window, and why not."""
    # Pulumi.yaml declares the window with default {}: an empty window is no window.
    if raw is None or raw == {} or (isinstance(raw, str) and raw.replace(" ", "") in ("", "{}")):
        return WindowVerdict(False, f"no {WINDOW_KEY} is set")
    try:
        data = json.loads(raw) if isinstance(raw, str) else raw
        window = ReleaseWindow.model_validate(data)
    except (ValueError, ValidationError) as exc:
        return WindowVerdict(False, f"{WINDOW_KEY} is malformed: {_window_problems(exc)}")
    if window.notAfter <= window.notBefore:
        return WindowVerdict(False, f"{WINDOW_KEY} is malformed: notAfter must be later than notBefore")
    if window.notAfter - window.notBefore > MAX_WINDOW:
        return WindowVerdict(
            False, f"{WINDOW_KEY} is longer than the {MAX_WINDOW.total_seconds() / 3600:.0f} h maximum"
        )
    if now < window.notBefore:
        return WindowVerdict(False, f"release window {window.changeReference} opens at {window.notBefore.isoformat()}")
    if now >= window.notAfter:
        return WindowVerdict(False, f"release window {window.changeReference} closed at {window.notAfter.isoformat()}")
    return WindowVerdict(
        True,
        f"release window {window.changeReference} approved by {window.approvedBy} "
        f"is open until {window.notAfter.isoformat()}",
    )


def check_update_allowed(stack: str, dry_run: bool, raw_window: Optional[Any], now: datetime) -> Optional[str]:
    """Raise ProductionUpdateRefused for a closed production update; return a note for the log, if any."""
    if not is_production(stack):
        return None
    verdict = evaluate_window(raw_window, now)
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


def _window_problems(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        parts = []
        for error in exc.errors(include_input=False, include_url=False):
            field = ".".join(str(p) for p in error["loc"]) or "releaseWindow"
            if error["type"] == "missing":
                parts.append(f"{field} is missing")
            elif error["type"] == "timezone_aware":
                parts.append(f"{field} needs a time zone (e.g. 2026-12-01T09:00:00+00:00)")
            elif error["type"].startswith("datetime"):
                parts.append(f"{field} is not an ISO-8601 timestamp")
            elif error["type"] == "extra_forbidden":
                parts.append(f"{field} is not a known field (approvedBy, changeReference, notBefore, notAfter)")
            else:
                parts.append(f"{field}: {error['msg']}")
        return "; ".join(parts)
    return "expected an object with approvedBy, changeReference, notBefore, notAfter"
