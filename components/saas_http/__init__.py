"""The one HTTP stack every SaaS client of this project uses (UptimeRobot, Sentry's TeamMembership, …).

A new client is a `Service` (names for messages, the environment prefix of its limits), an
`ApiClient` subclass when its error bodies or statuses need words of their own, and
`reported(...)` around each provider method. See docs/saas-http.md.

- `client.py`: `ApiClient`: `request`/`send` (deadline, same-origin redirects, retries),
  `write_once` (look it up before repeating a write), `pages` (Link-header or cursor
  pagination up to a page cap).
- `service.py`: `Service`, `Limits` (`<PREFIX>_REQUEST_TIMEOUT`, `_RETRY_TIMEOUT`, `_MAX_PAGES`,
  `_REQUESTS_PER_MINUTE`), base-URL checks.
- `secrets.py`: credentials read stripped and refused with control characters; `Redactor`;
  `reported`, the provider boundary.
- `replies.py`, `transport.py`, `errors.py`: replies and backoff, deadline sockets and the rate
  limiter, what is raised.
"""

import importlib
from typing import TYPE_CHECKING, Any

from .errors import (
    AmbiguousWriteError,
    ApiError,
    ApiValidationError,
    AuthError,
    BadCredentialError,
    IncompleteListing,
    MissingCredentialError,
    NotFoundError,
    RetryBudgetExceeded,
)
from .secrets import Redactor, first_credential, read_credential, reported
from .service import LOG, Limits, Service

if TYPE_CHECKING:
    from .client import ApiClient
    from .replies import Reply

# The HTTP half (httpx, httpcore, tenacity: 0.15-0.3 s to import on these machines) loads on first use, so a
# program that only declares resources (the offline plan, the engine's run of the program) never pays for it;
# the providers' methods, which call the APIs, import their clients when they run.
_ON_FIRST_USE = {"ApiClient": ".client", "Reply": ".replies"}


def __getattr__(name: str) -> Any:
    if name in _ON_FIRST_USE:
        return getattr(importlib.import_module(_ON_FIRST_USE[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "LOG",
    "AmbiguousWriteError",
    "ApiClient",
    "ApiError",
    "ApiValidationError",
    "AuthError",
    "BadCredentialError",
    "IncompleteListing",
    "Limits",
    "MissingCredentialError",
    "NotFoundError",
    "Redactor",
    "Reply",
    "RetryBudgetExceeded",
    "Service",
    "first_credential",
    "read_credential",
    "reported",
]
