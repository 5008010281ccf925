"""TeamMembership: an existing Sentry organization member on one environment's own team.

Organization membership is organization-wide: one person is one member, whichever
environments they are on call for.  An environment stack must therefore never create or
delete it (two stacks would fight over the same member, and removing someone from one
stack's on-call list would remove them from the whole organization).  What belongs to the
environment is its own team and who is on it, so this dynamic resource only:

* looks the person up among the organization's members by e-mail, and fails with a clear
  message when they are not a member (invite them in Sentry first);
* adds that member to the environment's team on create, and takes them off that team
  (only) on delete.

Sentry API: ``GET /api/0/organizations/{org}/members/?query=email:{email}``,
``GET /api/0/organizations/{org}/members/{id}/``,
``POST|DELETE /api/0/organizations/{org}/members/{id}/teams/{team}/``.

The token is the one the Sentry provider uses, read from the environment at call time
(``SENTRY_AUTH_TOKEN``, then ``SENTRY_TOKEN``; ``SENTRY_BASE_URL`` for self-hosted Sentry),
never from inputs, so it never reaches state, outputs or messages.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi.dynamic
from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, ResourceProvider

from components.rules import SENTRY_SLUG

PROVIDER_VERSION = "1"
DEFAULT_BASE_URL = "https://sentry.io/api/"
TOKEN_ENV = ("SENTRY_AUTH_TOKEN", "SENTRY_TOKEN")  # the Sentry provider reads them in this order
BASE_URL_ENV = "SENTRY_BASE_URL"
TIMEOUT_SECONDS = 30
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_KEYS = ("organization", "team", "email")


class SentryError(Exception):
    """A Sentry API problem, worded for the person running `pulumi up`; never holds the token."""


class NotAMember(SentryError):
    pass


def _token(environ: Mapping[str, str]) -> str | None:
    return next((environ[name] for name in TOKEN_ENV if environ.get(name)), None)


class SentryApi:
    """Just the calls TeamMembership needs, over urllib (no extra dependency)."""

    def __init__(self, base_url: str, token: str, timeout: float = TIMEOUT_SECONDS) -> None:
        parts = urllib.parse.urlsplit(base_url)
        local = parts.hostname in ("127.0.0.1", "localhost")
        if parts.scheme != "https" and not (parts.scheme == "http" and local):
            raise SentryError(f"{BASE_URL_ENV} must be an https:// URL such as {DEFAULT_BASE_URL}")
        self.base = base_url.rstrip("/") + "/0/"
        self._token = token
        self.timeout = timeout

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> SentryApi:
        environ = os.environ if environ is None else environ
        token = _token(environ)
        if not token:
            raise SentryError(
                "no Sentry token: export SENTRY_AUTH_TOKEN (the auth token the Sentry provider uses; "
                "it needs the org:read and team:write scopes)"
            )
        return cls(environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL, token)

    def _redact(self, text: str) -> str:
        return text.replace(self._token, "***") if self._token else text

    def _call(self, method: str, path: str, query: Mapping[str, str] | None = None) -> tuple[int, Any]:
        url = self.base + path + ("?" + urllib.parse.urlencode(query) if query else "")
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
        # S310: the base URL was checked to be https (or http on loopback) in __init__.
        request = urllib.request.Request(url, method=method, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status, body = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, body = exc.code, exc.read() if exc.fp else b""
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SentryError(f"cannot reach Sentry at {self.base}: {self._redact(str(reason))}") from None
        if status in (401, 403):
            raise SentryError(
                f"Sentry refused the token (HTTP {status}) for {method} {path.split('?')[0]}: it needs the "
                "org:read and team:write scopes"
            )
        try:
            payload = json.loads(body) if body.strip() else None
        except ValueError:
            payload = None
        return status, payload

    def _fail(self, what: str, status: int, payload: Any) -> SentryError:
        detail = payload.get("detail") if isinstance(payload, Mapping) else None
        suffix = f": {self._redact(str(detail))[:200]}" if detail else ""
        return SentryError(f"{what} failed with HTTP {status}{suffix}")

    def find_member(self, org: str, email: str) -> dict[str, Any] | None:
        q = urllib.parse.quote
        status, payload = self._call("GET", f"organizations/{q(org)}/members/", {"query": f"email:{email}"})
        if status == 404:
            raise SentryError(f"Sentry organization '{org}' does not exist or the token cannot see it")
        if status != 200 or not isinstance(payload, list):
            raise self._fail(f"looking up {email} in Sentry organization '{org}'", status, payload)
        for member in payload:
            if isinstance(member, Mapping) and str(member.get("email", "")).lower() == email.lower():
                return dict(member)
        return None

    def member(self, org: str, member_id: str) -> dict[str, Any] | None:
        q = urllib.parse.quote
        status, payload = self._call("GET", f"organizations/{q(org)}/members/{q(member_id)}/")
        if status == 404:
            return None
        if status != 200 or not isinstance(payload, Mapping):
            raise self._fail(f"reading Sentry member {member_id}", status, payload)
        return dict(payload)

    def add_to_team(self, org: str, member_id: str, team: str, email: str) -> None:
        q = urllib.parse.quote
        status, payload = self._call("POST", f"organizations/{q(org)}/members/{q(member_id)}/teams/{q(team)}/")
        if status == 202:
            raise SentryError(
                f"Sentry only filed a request for {email} to join team '{team}' (HTTP 202): the token may not "
                "add members; use one with the team:write scope"
            )
        if status not in (200, 201, 204):
            raise self._fail(f"adding {email} to Sentry team '{team}'", status, payload)

    def remove_from_team(self, org: str, member_id: str, team: str) -> None:
        q = urllib.parse.quote
        status, payload = self._call("DELETE", f"organizations/{q(org)}/members/{q(member_id)}/teams/{q(team)}/")
        if status not in (200, 204, 404):  # 404: the member or the team is gone already
            raise self._fail(f"taking member {member_id} off Sentry team '{team}'", status, payload)


def not_a_member(email: str, org: str) -> str:
    return (
        f"{email} is not a member of the Sentry organization '{org}': invite them in Sentry first "
        "(Settings > Members). An environment stack only puts existing members on its own team; it "
        "never creates or removes organization members."
    )


def _shape_failures(props: Mapping[str, Any]) -> list[CheckFailure]:
    failures = []
    for key in ("organization", "team"):
        if not isinstance(props.get(key), str) or not SENTRY_SLUG.match(props[key]):
            failures.append(CheckFailure(key, f"{key} must be a Sentry slug (lowercase letters, digits, - and _)"))
    if not isinstance(props.get("email"), str) or not _EMAIL.match(props["email"]):
        failures.append(CheckFailure("email", "email must be an e-mail address"))
    return failures


class TeamMembershipProvider(ResourceProvider):
    """Holds no state: the token and the HTTP client are made per call from the environment."""

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = _shape_failures(news)
        known = all(isinstance(news.get(k), str) for k in _KEYS)
        # With a token (preview and update alike) a person missing from the organization shows up
        # before anything changes; without one, create() says so.
        if not failures and known and _token(os.environ):
            try:
                if SentryApi.from_environment().find_member(news["organization"], news["email"]) is None:
                    failures.append(CheckFailure("email", not_a_member(news["email"], news["organization"])))
            except SentryError:
                pass  # unreachable or refused now: create() reports it with the reason
        return CheckResult(news, failures)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [k for k in (*_KEYS, "provider_version") if olds.get(k) != news.get(k)]
        return DiffResult(changes=bool(changed), replaces=changed, delete_before_replace=True)

    def create(self, props: dict[str, Any]) -> CreateResult:
        api = SentryApi.from_environment()
        org, team, email = props["organization"], props["team"], props["email"]
        member = api.find_member(org, email)
        if member is None:
            raise NotAMember(not_a_member(email, org))
        member_id = str(member["id"])
        api.add_to_team(org, member_id, team, email)
        return CreateResult(f"{org}/{team}/{member_id}", {**props, "member_id": member_id})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        org, team, member_id = id_.split("/", 2)
        member = SentryApi.from_environment().member(org, member_id)
        teams = member.get("teams") if member else None
        if not isinstance(teams, list) or team not in teams:
            return ReadResult(None, {})  # left the organization or the team: gone
        return ReadResult(id_, {**props, "organization": org, "team": team, "member_id": member_id})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        org, team, member_id = id_.split("/", 2)
        SentryApi.from_environment().remove_from_team(org, member_id, team)


class TeamMembership(pulumi.dynamic.Resource, module="sentry", name="TeamMembership"):
    """An existing organization member (looked up by e-mail) on an environment's team."""

    organization: pulumi.Output[str]
    team: pulumi.Output[str]
    email: pulumi.Output[str]
    member_id: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        *,
        organization: pulumi.Input[str],
        team: pulumi.Input[str],
        email: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "organization": organization,
            "team": team,
            "email": email,
            "provider_version": PROVIDER_VERSION,
            "member_id": None,
        }
        super().__init__(TeamMembershipProvider(), name, props, opts)
