"""What the UptimeRobot client raises: one class per way a call can fail, each with a message safe to show."""

from __future__ import annotations


class UptimeRobotError(Exception):
    """Any failure talking to UptimeRobot; `str()` is safe to show (no key)."""

    def __init__(self, message: str, *, status: int | None = None, field: str | None = None):
        super().__init__(message)
        self.status = status
        self.field = field


class MissingApiKeyError(UptimeRobotError):
    pass


class AuthError(UptimeRobotError):
    pass


class PlanLimitError(UptimeRobotError):
    pass


class ApiValidationError(UptimeRobotError):
    pass


class NotFoundError(UptimeRobotError):
    pass


class RetryBudgetExceeded(UptimeRobotError):
    pass


class AmbiguousWriteError(UptimeRobotError):
    """A POST may or may not have been applied (timeout, 5xx, unreadable reply).

    The caller must look the object up before retrying, or it risks a duplicate.
    """
