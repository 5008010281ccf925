"""The provider's settings: stack config (`uptimerobot:*`) first, then the environment, then defaults."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .client import (
    DEFAULT_API_URL,
    DEFAULT_REQUEST_TIMEOUT,
    DEFAULT_REQUESTS_PER_MINUTE,
    DEFAULT_RETRY_BUDGET,
)
from .errors import UptimeRobotError


@dataclass
class ProviderSettings:
    api_key: str | None = field(default=None, repr=False)
    api_url: str = DEFAULT_API_URL
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT
    retry_budget: float = DEFAULT_RETRY_BUDGET
    requests_per_minute: float = DEFAULT_REQUESTS_PER_MINUTE


def _number(raw: Any, name: str, default: float) -> float:
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise UptimeRobotError(f"{name} must be a number, got {raw!r}") from None
    if value < 0:
        raise UptimeRobotError(f"{name} must be >= 0, got {raw!r}")
    return value


def resolve_settings(config_get: Callable[[str], Any], environ: Mapping[str, str]) -> ProviderSettings:
    """Stack config first (`uptimerobot:*`), then environment, then defaults."""

    def pick(key: str, env: str) -> Any:
        value = config_get(f"uptimerobot:{key}")
        return value if value not in (None, "") else environ.get(env)

    def number(key: str, env: str, default: float) -> float:
        return _number(pick(key, env), f"uptimerobot:{key}", default)

    return ProviderSettings(
        api_key=pick("apiKey", "UPTIMEROBOT_API_KEY") or None,
        api_url=pick("apiUrl", "UPTIMEROBOT_API_URL") or DEFAULT_API_URL,
        request_timeout=number("requestTimeoutSeconds", "UPTIMEROBOT_REQUEST_TIMEOUT", DEFAULT_REQUEST_TIMEOUT),
        retry_budget=number("retryTimeoutSeconds", "UPTIMEROBOT_RETRY_TIMEOUT", DEFAULT_RETRY_BUDGET),
        requests_per_minute=number("requestsPerMinute", "UPTIMEROBOT_REQUESTS_PER_MINUTE", DEFAULT_REQUESTS_PER_MINUTE),
    )
