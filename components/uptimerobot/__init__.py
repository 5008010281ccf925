"""UptimeRobot (API v3) as Pulumi dynamic resources: HTTP(S) monitors and email alert contacts.

One module per resource (`monitor.py`, `alert_contact.py`), as the official Terraform provider
lays them out, each with its property table; `schema.py` turns a table into checks, request
bodies, reads and diffs (`kinds.py`: the kinds of values), `base.py` holds the shared provider
lifecycle, `settings.py` the provider settings, `client.py` the HTTP client on the shared stack
(`components/saas_http`; `errors.py`: what it raises). See
docs/uptimerobot.md. Credentials come from secret config `uptimerobot:apiKey` or
`UPTIMEROBOT_API_KEY`, read in the provider process, never from arguments.
"""

from .alert_contact import AlertContact, AlertContactArgs, AlertContactProvider
from .base import PROVIDER_VERSION
from .client import UptimeRobotClient
from .errors import (
    AmbiguousWriteError,
    ApiValidationError,
    AuthError,
    MissingApiKeyError,
    NotFoundError,
    PlanLimitError,
    RetryBudgetExceeded,
    UptimeRobotError,
)
from .monitor import AssignedAlertContact, Monitor, MonitorArgs, MonitorProvider

__all__ = [
    "PROVIDER_VERSION",
    "AlertContact",
    "AlertContactArgs",
    "AlertContactProvider",
    "AmbiguousWriteError",
    "ApiValidationError",
    "AssignedAlertContact",
    "AuthError",
    "MissingApiKeyError",
    "Monitor",
    "MonitorArgs",
    "MonitorProvider",
    "NotFoundError",
    "PlanLimitError",
    "RetryBudgetExceeded",
    "UptimeRobotClient",
    "UptimeRobotError",
]
