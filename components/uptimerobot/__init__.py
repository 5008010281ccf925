"""UptimeRobot (API v3) as Pulumi dynamic resources: HTTP(S) monitors, email alert contacts and a Slack
integration (`slack.py`: the webhook URL from UPTIMEROBOT_SLACK_WEBHOOK_URL, never in state).

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
from .slack import SlackIntegration, SlackIntegrationProvider

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
    "SlackIntegration",
    "SlackIntegrationProvider",
    "UptimeRobotClient",
    "UptimeRobotError",
]


def __getattr__(name: str):
    # The client (and the HTTP stack under it) loads on first use: the program only declares resources.
    if name == "UptimeRobotClient":
        from .client import UptimeRobotClient

        return UptimeRobotClient
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
