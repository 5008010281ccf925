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
Link header; when it finds nobody, every page without the query, since Sentry matches a pending invite's
address exactly, case included), ``GET /api/0/organizations/{org}/members/{id}/``,
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
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import pulumi
import pulumi.dynamic
from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, ResourceProvider

from components.rules import SENTRY_SLUG
from components.saas_http import ApiError, first_credential, reported
from components.sentry.service import TOKEN_ENV, NotAMember, SentryError

if TYPE_CHECKING:
    from components.sentry.api import SentryApi

__all__ = ["PROVIDER_VERSION", "TOKEN_ENV", "NotAMember", "SentryError", "TeamMembership", "TeamMembershipProvider"]

PROVIDER_VERSION = "1"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_KEYS = ("organization", "team", "email")
F = TypeVar("F", bound=Callable[..., Any])


def _api() -> SentryApi:
    """The client, made per call from the environment; its module (the HTTP stack) loads on the first call."""
    from components.sentry.api import SentryApi

    return SentryApi.from_environment()


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
                member = _api().find_member(org, email)
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
        api = _api()
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
        member = _api().member(org, member_id)
        teams = member.get("teams") if member else None
        if not isinstance(teams, list) or team not in teams:
            return ReadResult(None, {})  # left the organization or the team: gone
        return ReadResult(id_, {**props, "organization": org, "team": team, "member_id": member_id})

    @_boundary
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        org, team, member_id = id_.split("/", 2)
        _api().remove_from_team(org, member_id, team)


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
