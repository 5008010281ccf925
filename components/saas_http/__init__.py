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

from .client import ApiClient
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
from .replies import Reply
from .secrets import Redactor, first_credential, read_credential, reported
from .service import Limits, Service

__all__ = [
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
