"""What a SaaS client raises: one class per way a call can fail, each with a message safe to show."""

from __future__ import annotations


class ApiError(Exception):
    """Any failure talking to a SaaS API; `str()` and `repr()` are safe to show (no credential)."""

    def __init__(self, message: str, *, status: int | None = None, field: str | None = None):
        super().__init__(message)
        self.status = status
        self.field = field


class MissingCredentialError(ApiError):
    pass


class BadCredentialError(ApiError):
    """The credential holds a control character: refused before it reaches a header."""


class AuthError(ApiError):
    pass


class ApiValidationError(ApiError):
    pass


class NotFoundError(ApiError):
    pass


class RetryBudgetExceeded(ApiError):
    pass


class IncompleteListing(ApiError):
    """A paginated listing that could not be read to its end (a loop, or more pages than the cap)."""


class AmbiguousWriteError(ApiError):
    """A write may or may not have been applied (timeout, 5xx, unreadable reply).

    The caller must look the object up before repeating it, or it risks a duplicate.
    """
