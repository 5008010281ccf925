"""What a client is told about its service: names for messages (`Service`) and its limits (`Limits`),
the limits read from the environment under the service's prefix."""

from __future__ import annotations

import logging
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .errors import ApiError

if TYPE_CHECKING:
    import httpx

LOG = logging.getLogger("components.saas_http")  # every client's, and the providers' warnings
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class Service:
    """How messages name the service and its settings. `env_prefix` names the environment
    variables `Limits.from_environment` reads: `<PREFIX>_REQUEST_TIMEOUT`, `<PREFIX>_RETRY_TIMEOUT`,
    `<PREFIX>_MAX_PAGES`, `<PREFIX>_REQUESTS_PER_MINUTE`."""

    name: str  # "Sentry": every message starts with it
    env_prefix: str  # "SENTRY"
    default_url: str
    credential_help: str  # how to provide the credential, ends a message about a missing or refused one
    credential_name: str = "token"  # "API key": how messages name the credential
    url_setting: str = ""  # what sets the base URL, named when a URL or redirect is refused
    user_agent: str = "kitchen-kontrol-infra/1"
    auth_scheme: str = "Bearer"
    # What a message names for a longer budget, the page cap and the client-side rate; env vars by default.
    retry_setting: str = ""
    pages_setting: str = ""
    rate_setting: str = ""

    def __post_init__(self) -> None:
        p = self.env_prefix
        for attr, default in (
            ("url_setting", f"{p}_API_URL"),
            ("retry_setting", f"{p}_RETRY_TIMEOUT"),
            ("pages_setting", f"{p}_MAX_PAGES"),
            ("rate_setting", f"{p}_REQUESTS_PER_MINUTE"),
        ):
            if not getattr(self, attr):
                object.__setattr__(self, attr, default)


@dataclass(frozen=True)
class Limits:
    request_timeout: float = 30.0  # seconds for one whole attempt: connect, TLS, request, answer
    retry_budget: float = 120.0  # seconds for one operation, retries and waits included
    max_pages: int = 100  # pages of one listing
    requests_per_minute: float = 0.0  # client-side throttle; 0: none

    @classmethod
    def from_environment(cls, service: Service, environ: Mapping[str, str], **defaults: Any) -> Limits:
        """`defaults` (this class's fields) overridden by `<PREFIX>_…` variables that are set."""
        limits = cls(**defaults)
        names = {
            "request_timeout": "REQUEST_TIMEOUT",
            "retry_budget": "RETRY_TIMEOUT",
            "max_pages": "MAX_PAGES",
            "requests_per_minute": "REQUESTS_PER_MINUTE",
        }
        values = {}
        for attr, suffix in names.items():
            name = f"{service.env_prefix}_{suffix}"
            values[attr] = number(environ.get(name), name, getattr(limits, attr))
        values["max_pages"] = max(1, int(values["max_pages"]))
        return replace(limits, **values)


def number(raw: Any, name: str, default: float) -> float:
    """A setting's number: `default` when unset, an error naming `name` when not a number >= 0."""
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise ApiError(f"{name} must be a number, got {str(raw)[:40]!r}") from None
    if value < 0 or value != value:
        raise ApiError(f"{name} must be >= 0, got {str(raw)[:40]!r}")
    return value


def validate_base_url(service: Service, url: str) -> str:
    """https anywhere, plain http only on loopback (the credential travels in a header)."""
    parsed = urllib.parse.urlparse(url.strip())
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        raise ApiError(f"{service.url_setting} must be an http(s) URL, got {url[:80]!r}")
    if parsed.scheme == "http" and parsed.hostname not in LOOPBACK:
        raise ApiError(
            f"{service.url_setting} must use https (plain http is only allowed for 127.0.0.1/localhost test "
            "servers), since the credential travels in a header"
        )
    return url.strip().rstrip("/")


def origin(url: httpx.URL) -> tuple[str, str, int | None]:
    default = {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host, url.port or default


def origin_text(url: httpx.URL) -> str:
    scheme, host, port = origin(url)
    return f"{scheme}://{host}:{port}"
