"""The provider's settings: stack config (`uptimerobot:*`) first, then the environment, then defaults.

The API URL is the exception: it decides where the key is sent, so it comes from the environment
only (`UPTIMEROBOT_API_URL`), never from config a committed stack file could hold; config may
only name the pinned default.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from components.saas_http import Limits, read_credential
from components.saas_http.service import number

from .errors import UptimeRobotError
from .service import (
    DEFAULT_API_URL,
    DEFAULT_MAX_PAGES,
    DEFAULT_REQUEST_TIMEOUT,
    DEFAULT_REQUESTS_PER_MINUTE,
    DEFAULT_RETRY_BUDGET,
)

API_URL_ENV = "UPTIMEROBOT_API_URL"


@dataclass
class ProviderSettings:
    api_key: str | None = field(default=None, repr=False)
    api_url: str = DEFAULT_API_URL
    limits: Limits = field(
        default_factory=lambda: Limits(
            DEFAULT_REQUEST_TIMEOUT, DEFAULT_RETRY_BUDGET, DEFAULT_MAX_PAGES, DEFAULT_REQUESTS_PER_MINUTE
        )
    )


def _api_url(configured: Any, environ: Mapping[str, str]) -> str:
    if configured not in (None, "") and str(configured).strip().rstrip("/") != DEFAULT_API_URL:
        raise UptimeRobotError(
            f"uptimerobot:apiUrl cannot be set in stack config (a stack file could send the API key to any "
            f"host); only {DEFAULT_API_URL} is accepted there. Export {API_URL_ENV} to use another API URL."
        )
    return environ.get(API_URL_ENV) or DEFAULT_API_URL


def resolve_settings(config_get: Callable[[str], Any], environ: Mapping[str, str]) -> ProviderSettings:
    """Stack config first (`uptimerobot:*`), then environment, then defaults; the API URL from the
    environment only."""

    def pick(key: str, env: str) -> Any:
        value = config_get(f"uptimerobot:{key}")
        return value if value not in (None, "") else environ.get(env)

    def setting(key: str, env: str, default: float) -> float:
        return number(pick(key, env), f"uptimerobot:{key}", default)

    config_key = config_get("uptimerobot:apiKey")
    key_source = "uptimerobot:apiKey" if config_key not in (None, "") else "UPTIMEROBOT_API_KEY"
    return ProviderSettings(
        api_key=read_credential(pick("apiKey", "UPTIMEROBOT_API_KEY"), key_source),
        api_url=_api_url(config_get("uptimerobot:apiUrl"), environ),
        limits=Limits(
            request_timeout=setting("requestTimeoutSeconds", "UPTIMEROBOT_REQUEST_TIMEOUT", DEFAULT_REQUEST_TIMEOUT),
            retry_budget=setting("retryTimeoutSeconds", "UPTIMEROBOT_RETRY_TIMEOUT", DEFAULT_RETRY_BUDGET),
            max_pages=max(1, int(setting("maxPages", "UPTIMEROBOT_MAX_PAGES", DEFAULT_MAX_PAGES))),
            requests_per_minute=setting(
                "requestsPerMinute", "UPTIMEROBOT_REQUESTS_PER_MINUTE", DEFAULT_REQUESTS_PER_MINUTE
            ),
        ),
    )
