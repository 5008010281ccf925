"""UptimeRobot (API v3) as Pulumi dynamic resources: HTTP(S) monitors and email alert contacts.

See docs/uptimerobot.md. Credentials come from secret config `uptimerobot:apiKey`
or `UPTIMEROBOT_API_KEY`, read in the provider process, never from arguments.
"""

from .client import (
    AmbiguousWriteError,
    ApiValidationError,
    AuthError,
    MissingApiKeyError,
    NotFoundError,
    PlanLimitError,
    RetryBudgetExceeded,
    UptimeRobotClient,
    UptimeRobotError,
)
from .provider import PROVIDER_VERSION, AlertContactProvider, MonitorProvider
from .resources import AlertContact, AlertContactArgs, AssignedAlertContact, Monitor, MonitorArgs

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
