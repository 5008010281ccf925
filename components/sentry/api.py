"""The Sentry API calls TeamMembership makes, on the shared HTTP stack (components/saas_http). Imported by the
provider's methods when they run, not by the program."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from components.saas_http import ApiError, Limits, MissingCredentialError, NotFoundError, first_credential
from components.saas_http.client import ApiClient
from components.saas_http.replies import Reply
from components.sentry.service import BASE_URL_ENV, DEFAULT_BASE_URL, SCOPES, SERVICE, TOKEN_ENV, SentryError
from components.sentry.service import quote as _q


class SentryApi(ApiClient):
    """Just the calls TeamMembership needs."""

    def __init__(self, base_url: str, token: str | None, *, limits: Limits | None = None, **clocks: Any) -> None:
        super().__init__(SERVICE, token, base_url, limits=limits, **clocks)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> SentryApi:
        environ = os.environ if environ is None else environ
        token = first_credential(environ, TOKEN_ENV)
        if not token:
            raise MissingCredentialError(f"no Sentry token: export SENTRY_AUTH_TOKEN ({SCOPES})")
        return cls(
            environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL, token, limits=Limits.from_environment(SERVICE, environ)
        )

    def error_for(self, reply: Reply) -> ApiError:
        if reply.status in (401, 403):
            return SentryError(
                f"Sentry refused the token (HTTP {reply.status}) for {reply.what}: it needs {SCOPES}",
                status=reply.status,
            )
        return super().error_for(reply)

    def find_member(self, org: str, email: str) -> dict[str, Any] | None:
        """The member with this address, case aside. Sentry's `email:` search matches a pending invite only
        exactly, case included, so when it finds nobody every page of the members is read as well."""
        found = self._scan_members(org, email, {"query": f"email:{email}"})
        if found is None:
            found = self._scan_members(org, email, {})
        return found

    def _scan_members(self, org: str, email: str, query: dict[str, str]) -> dict[str, Any] | None:
        listing = self.pages(
            f"/0/organizations/{_q(org)}/members/",
            query=query,
            deadline=self.deadline(),
            noun="members",
            consequence=f"so it cannot tell whether {email} is a member",
        )
        try:
            for page in listing:
                for member in page if isinstance(page, list) else []:
                    if isinstance(member, Mapping) and str(member.get("email", "")).lower() == email.lower():
                        return dict(member)
        except NotFoundError:
            raise SentryError(f"Sentry organization '{org}' does not exist or the token cannot see it") from None
        return None

    def member(self, org: str, member_id: str, deadline: float | None = None) -> dict[str, Any] | None:
        try:
            payload = self.request("GET", f"/0/organizations/{_q(org)}/members/{_q(member_id)}/", deadline=deadline)
        except NotFoundError:
            return None
        if not isinstance(payload, Mapping):
            raise SentryError(f"Sentry: reading member {member_id} returned no member")
        return dict(payload)

    def add_to_team(self, org: str, member_id: str, team: str, email: str) -> None:
        path = f"/0/organizations/{_q(org)}/members/{_q(member_id)}/teams/{_q(team)}/"
        deadline = self.deadline()

        def add() -> bool:
            reply = self.send("POST", path, deadline=deadline)
            if reply.status == 202:
                raise SentryError(
                    f"Sentry only filed a request for {email} to join team '{team}' (HTTP 202): the token may not "
                    f"add members; use {SCOPES}"
                )
            if not reply.ok:
                raise self.error_for(reply)
            return True

        def on_team() -> bool | None:  # a POST whose reply was lost may have been applied: look first
            found = self.member(org, member_id, deadline)
            return True if found and team in (found.get("teams") or []) else None

        self.write_once(f"POST {path}", deadline, add, on_team)

    def remove_from_team(self, org: str, member_id: str, team: str) -> None:
        path = f"/0/organizations/{_q(org)}/members/{_q(member_id)}/teams/{_q(team)}/"
        try:
            self.request("DELETE", path)
        except NotFoundError:
            pass  # the member or the team is gone already
