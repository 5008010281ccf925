"""What the UptimeRobot client raises: the shared HTTP stack's errors (components/saas_http) under the
names this package always used, and the one failure only UptimeRobot has (a plan limit)."""

from __future__ import annotations

from components.saas_http.errors import (
    AmbiguousWriteError,
    ApiError,
    ApiValidationError,
    AuthError,
    IncompleteListing,
    MissingCredentialError,
    NotFoundError,
    RetryBudgetExceeded,
)

UptimeRobotError = ApiError
MissingApiKeyError = MissingCredentialError


class PlanLimitError(ApiError):
    """403, or a message about a limit: the plan (monitor count, interval) or a read-only key."""


__all__ = [
    "AmbiguousWriteError",
    "ApiValidationError",
    "AuthError",
    "IncompleteListing",
    "MissingApiKeyError",
    "NotFoundError",
    "PlanLimitError",
    "RetryBudgetExceeded",
    "UptimeRobotError",
]
