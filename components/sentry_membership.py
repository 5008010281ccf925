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

Sentry API: ``GET /api/0/organizations/{org}/members/?query=email:{email}`` (every page, by the
Link header), ``GET /api/0/organizations/{org}/members/{id}/``,
``POST|DELETE /api/0/organizations/{org}/members/{id}/teams/{team}/``, over the shared HTTP stack
(components/saas_http: deadline, same-origin redirects, retries, look before repeating a POST).

The token is the one the Sentry provider uses, read from the environment at call time
(``SENTRY_AUTH_TOKEN``, then ``SENTRY_TOKEN``; ``SENTRY_BASE_URL`` for self-hosted Sentry;
``SENTRY_REQUEST_TIMEOUT``/``SENTRY_RETRY_TIMEOUT``/``SENTRY_MAX_PAGES``), never from inputs, so it
never reaches state, outputs or messages. Adding a member to a team takes an internal-integration
token (org:write, or org:read + team:write) or a user auth token of an owner/manager (org:write) or
team admin (org:read + team:write); an organization auth token (``sntrys_…``) cannot.
"""

from __future__ import annotations

import functools
import os
import re
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import pulumi
import pulumi.dynamic
from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, ResourceProvider

from components.rules import SENTRY_SLUG
from components.saas_http import (
    ApiClient,
    ApiError,
    Limits,
    MissingCredentialError,
    NotFoundError,
    Reply,
    Service,
    first_credential,
    reported,
)

PROVIDER_VERSION = "1"
DEFAULT_BASE_URL = "https://sentry.io/api/"
TOKEN_ENV = ("SENTRY_AUTH_TOKEN", "SENTRY_TOKEN")  # the Sentry provider reads them in this order
BASE_URL_ENV = "SENTRY_BASE_URL"
SCOPES = (
    "an internal-integration token with org:read and team:write, or a user auth token of an owner, manager or "
    "team admin (an organization auth token cannot add members to teams)"
)
SERVICE = Service(
    name="Sentry",
    env_prefix="SENTRY",
    default_url=DEFAULT_BASE_URL,
    credential_help=f"export SENTRY_AUTH_TOKEN: {SCOPES}",
    url_setting=BASE_URL_ENV,
    user_agent="kitchen-kontrol-infra-sentry/2",
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_KEYS = ("organization", "team", "email")
F = TypeVar("F", bound=Callable[..., Any])
_q = functools.partial(urllib.parse.quote, safe="")

SentryError = ApiError  # a Sentry API problem, worded for the person running `pulumi up`; never holds the token


class NotAMember(ApiError):
    pass


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
        deadline = self.deadline()
        listing = self.pages(
            f"/0/organizations/{_q(org)}/members/",
            query={"query": f"email:{email}"},
            deadline=deadline,
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


def _boundary(method: F) -> F:
    """Whatever leaves a provider method is reported by type and redacted text only."""

    @functools.wraps(method)
    def guarded(*args: Any) -> Any:
        with reported("Sentry", [os.environ.get(name) for name in TOKEN_ENV]):
            return method(*args)

    return guarded  # type: ignore[return-value]


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

    @_boundary
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = _shape_failures(news)
        known = all(isinstance(news.get(k), str) for k in _KEYS)
        # With a token (preview and update alike) a person missing from the organization shows up
        # before anything changes; without one, create() says so. Sentry down or refusing: an
        # error, never a silent pass (docs/saas-http.md).
        if not failures and known and first_credential(os.environ, TOKEN_ENV):
            org, email = news["organization"], news["email"]
            try:
                member = SentryApi.from_environment().find_member(org, email)
            except ApiError as exc:
                raise SentryError(
                    f"could not check that {email} is a member of the Sentry organization '{org}', so this run "
                    f"stops here rather than pass unchecked: {exc}"
                ) from None
            if member is None:
                failures.append(CheckFailure("email", not_a_member(email, org)))
        return CheckResult(news, failures)

    @_boundary
    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [k for k in (*_KEYS, "provider_version") if olds.get(k) != news.get(k)]
        return DiffResult(changes=bool(changed), replaces=changed, delete_before_replace=True)

    @_boundary
    def create(self, props: dict[str, Any]) -> CreateResult:
        api = SentryApi.from_environment()
        org, team, email = props["organization"], props["team"], props["email"]
        member = api.find_member(org, email)
        if member is None:
            raise NotAMember(not_a_member(email, org))
        member_id = str(member["id"])
        api.add_to_team(org, member_id, team, email)
        return CreateResult(f"{org}/{team}/{member_id}", {**props, "member_id": member_id})

    @_boundary
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        org, team, member_id = id_.split("/", 2)
        member = SentryApi.from_environment().member(org, member_id)
        teams = member.get("teams") if member else None
        if not isinstance(teams, list) or team not in teams:
            return ReadResult(None, {})  # left the organization or the team: gone
        return ReadResult(id_, {**props, "organization": org, "team": team, "member_id": member_id})

    @_boundary
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
