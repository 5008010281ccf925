"""The UptimeRobot v3 REST API client (bearer token, JSON) on the shared HTTP stack (components/saas_http):
what UptimeRobot's answers mean (plan limits, the fields its errors name) and how its listings page."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import httpx

from components.saas_http import ApiError, ApiValidationError, Limits
from components.saas_http.client import MAX_DETAIL, ApiClient
from components.saas_http.replies import Reply

from .errors import PlanLimitError
from .service import (
    DEFAULT_API_URL,
    DEFAULT_MAX_PAGES,
    DEFAULT_REQUEST_TIMEOUT,
    DEFAULT_REQUESTS_PER_MINUTE,
    DEFAULT_RETRY_BUDGET,
    SERVICE,
)

__all__ = ["MAX_DETAIL", "UptimeRobotClient"]


class UptimeRobotClient(ApiClient):
    """One account's API access. `api_fields` maps API (camelCase) fields to resource properties,
    so an API error names what the user wrote."""

    def __init__(
        self,
        api_key: str | None,
        base_url: str = DEFAULT_API_URL,
        *,
        limits: Limits | None = None,
        api_fields: Mapping[str, str] | None = None,
        **clocks: Any,
    ) -> None:
        limits = limits or Limits(
            DEFAULT_REQUEST_TIMEOUT, DEFAULT_RETRY_BUDGET, DEFAULT_MAX_PAGES, DEFAULT_REQUESTS_PER_MINUTE
        )
        super().__init__(SERVICE, api_key, base_url, limits=limits, **clocks)
        self._api_fields = dict(api_fields or {})

    def listing(
        self, path: str, query: dict[str, str] | None, deadline: float, noun: str, consequence: str
    ) -> Iterator:
        """Every item of a v3 listing, page by page (`data` + `nextCursorId`/`nextLink`, or a bare list)."""
        for number, page in enumerate(
            self.pages(path, query=query, deadline=deadline, noun=noun, consequence=consequence, next_page=_next),
            start=1,
        ):
            if page is None or isinstance(page, list):
                yield from page or []
                continue
            items = page.get("data") if isinstance(page, Mapping) else None
            if items is None and isinstance(page, Mapping):
                items = page.get("monitors") or page.get("alertContacts") or []
            if not isinstance(items, list):
                raise ApiError(f"UptimeRobot GET {path}: page {number} holds no list of {noun}")
            yield from items

    def error_detail(self, raw: bytes) -> tuple[str, str | None]:
        message, field = super().error_detail(raw)
        if field is None:  # "interval must not be less than 30": the first word may be the field
            first = message.split(" ", 1)[0].split(".")[0]
            if first in self._api_fields:
                field = first
        return message, field

    def error_for(self, reply: Reply) -> ApiError:
        message, field = self.error_detail(reply.raw)
        status, what = reply.status, reply.what
        if status == 403 or (status not in (401, 404, 410) and "limit" in message.lower()):
            return PlanLimitError(
                f"UptimeRobot refused {what} ({status}): {message}. This usually means a plan limit "
                "(monitor count, interval below 300 s, or threshold/recurrence on the free plan) "
                "or a read-only API key.",
                status=status,
            )
        if status in (400, 422) and field:
            prop = self._api_fields.get(field, field)
            named = f"field '{prop}'" + (f" (API field '{field}')" if field != prop else "")
            return ApiValidationError(
                f"UptimeRobot rejected {named} in {what} ({status}): {message}", status=status, field=prop
            )
        return super().error_for(reply)


def _next(reply: Reply, url: httpx.URL) -> httpx.URL | None:
    page = reply.data
    if not isinstance(page, Mapping):
        return None
    cursor, link = page.get("nextCursorId"), page.get("nextLink")
    if isinstance(link, str) and link and cursor in (None, ""):
        return url.join(link)
    if cursor in (None, ""):
        return None
    return url.copy_merge_params({"cursor": str(cursor)})
