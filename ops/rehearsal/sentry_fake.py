"""A small, stateful fake of the part of Sentry's API that TeamMembership uses, over real HTTP
(127.0.0.1 only, plain or TLS): one organization's members and their teams, bearer auth, a request
log, Sentry's Link-header pagination, Sentry's published contract (the OpenAPI subset in vendor_specs/,
ops/rehearsal/vendor_contract.py), and faults injected on demand (a hostile Sentry for the tests).
Used by tests and the rehearsal (`python -m ops rehearse`)."""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

from ops.rehearsal.fake_http import FakeApi, JsonHandler
from ops.rehearsal.vendor_contract import SENTRY

NOT_FOUND = {"detail": "The requested resource does not exist"}
CREATED = "2026-01-05T09:00:00Z"  # every fake member and team was made then


def member_record(member: dict) -> dict:
    """A member as Sentry's document describes one (the detail's required fields, which the listing's
    include), from the fake's own {id, email, teams}."""
    email, member_id = member["email"], member["id"]
    name = email.split("@")[0]
    user = {
        "id": str(1000 + int(member_id)),
        "name": name,
        "username": email,
        "email": email,
        "emails": [{"id": str(2000 + int(member_id)), "email": email, "is_verified": True}],
        "avatarUrl": "",
        "isActive": True,
        "isSuspended": False,
        "hasPasswordAuth": True,
        "isManaged": False,
        "dateJoined": CREATED,
        "lastLogin": None,
        "has2fa": False,
        "lastActive": None,
        "isSuperuser": False,
        "isStaff": False,
        "experiments": {},
    }
    flags = dict.fromkeys(
        (
            "idp:provisioned",
            "idp:role-restricted",
            "member-limit:restricted",
            "partnership:restricted",
            "sso:invalid",
            "sso:linked",
        ),
        False,
    )
    return {
        "id": member_id,
        "email": email,
        "name": name,
        "user": user,
        "orgRole": "member",
        "pending": bool(member.get("pending")),
        "expired": False,
        "flags": flags,
        "dateCreated": CREATED,
        "inviteStatus": "requested_to_be_invited" if member.get("pending") else "approved",
        "inviterName": None,
        "invite_link": None,
        "isOnlyOwner": False,
        "orgRoleList": [],
        "teamRoleList": [],
        "teams": list(member["teams"]),
        "teamRoles": [{"teamSlug": team, "role": None} for team in member["teams"]],
    }


def team_record(slug: str, is_member: bool) -> dict:
    """A team as Sentry's document describes the answer to a join or a leave."""
    return {
        "id": str(int.from_bytes(slug.encode()[:4], "big")),
        "slug": slug,
        "name": slug,
        "dateCreated": CREATED,
        "isMember": is_member,
        "teamRole": "contributor" if is_member else None,
        "flags": {"idp:provisioned": False},
        "access": ["event:read", "project:read"],
        "hasAccess": True,
        "isPending": False,
        "memberCount": 1,
        "avatar": {"avatarType": "letter_avatar", "avatarUuid": None},
    }


class FakeSentry(FakeApi):
    """Members of one organization with their teams; bearer auth; a request log (`calls`, `times`).

    `teams` None: every team exists (the rehearsal, where the stand-in provider made them).
    The member search matches `query=email:…` as a substring, as Sentry's free-text search may, except for a
    pending invite (`add_member(..., pending=True)`), which it matches only exactly, case included
    (`honour_query` False: the search is ignored, as the published document, which lists no `query`, allows);
    and answers `page_size` members a page with Sentry's Link header (`results="false"` on the last `next`).
    `endless`: every page points to one more (a listing that never ends). Members and teams are answered
    with every field Sentry's document requires (`member_record`, `team_record`)."""

    error_key = "detail"
    unauthorized = {"detail": "Invalid token"}
    spec = SENTRY
    held = ("members", "teams")

    def __init__(
        self,
        token: str,
        organization: str,
        emails: dict[str, list[str]],
        teams: set[str] | None,
        *,
        tls: tuple[Path, Path] | None = None,
        page_size: int = 100,
    ) -> None:
        super().__init__(token, tls=tls, name="fake-sentry")
        self.organization = organization
        self.members: dict[str, dict] = {}
        for email, member_teams in emails.items():
            self.add_member(email, member_teams)
        self.teams = teams
        self.page_size = page_size
        self.endless = False
        self.join_status = 201  # 202: Sentry files a join request instead
        self.honour_query = True
        self.base_url = f"{self.origin}/api/"

    def add_member(self, email: str, teams: list[str] | None = None, *, pending: bool = False) -> dict:
        member_id = str(101 + len(self.members))
        self.members[member_id] = {"id": member_id, "email": email, "teams": list(teams or []), "pending": pending}
        return self.members[member_id]

    def handle(self, request: JsonHandler, method: str, url: urllib.parse.SplitResult) -> None:
        body = request.body()
        if not self.admit(request, method, url.path):
            return request.send(401, self.unauthorized)
        if self.refuse_by_spec(request, method, url, body):
            return None
        fault = self.take_fault(method, url.path)
        if fault and not fault.commit:
            return request.fault(fault)
        status, payload, headers = self._answer(method, url)
        if fault:
            return request.fault(fault, status, payload)
        request.send(status, payload, headers)

    def _listing(self, query: dict[str, list[str]]) -> tuple[int, list, dict[str, str]]:
        wanted = query.get("query", [""])[0].removeprefix("email:") if self.honour_query else ""

        def matches(member: dict) -> bool:
            if member["pending"]:
                return not wanted or member["email"] == wanted
            return wanted.lower() in member["email"].lower()

        found = [member_record(v) for v in self.members.values() if matches(v)]
        start = int(query.get("cursor", ["0:0:0"])[0].split(":")[1])
        page = found[start : start + self.page_size]
        more = self.endless or start + self.page_size < len(found)
        rest = {k: v[0] for k, v in query.items() if k != "cursor"}

        def link(offset: int, rel: str, results: bool) -> str:
            cursor = f"{self.page_size}:{offset}:0"
            url = f"{self.base_url}0/organizations/{self.organization}/members/?" + urllib.parse.urlencode(
                {**rest, "cursor": cursor}
            )
            return f'<{url}>; rel="{rel}"; results="{str(results).lower()}"; cursor="{cursor}"'

        previous = link(max(0, start - self.page_size), "previous", start > 0)
        return 200, page, {"Link": f"{previous}, {link(start + self.page_size, 'next', more)}"}

    def _answer(self, method: str, parts: urllib.parse.SplitResult) -> tuple[int, object, dict[str, str] | None]:
        m = re.fullmatch(r"/api/0/organizations/([^/]+)/members/(?:([^/]+)/(?:teams/([^/]+)/)?)?", parts.path)
        if not m or m.group(1) != self.organization:
            return 404, NOT_FOUND, None
        member_id, team = m.group(2), m.group(3)
        with self._lock:
            if method == "GET" and member_id is None:
                return self._listing(urllib.parse.parse_qs(parts.query))
            member = self.members.get(member_id or "")
            if member is None:
                return 404, NOT_FOUND, None
            if method == "GET" and team is None:
                return 200, member_record(member), None
            if self.teams is not None and team not in self.teams:
                return 404, NOT_FOUND, None
            if method == "POST":
                if self.join_status == 202:
                    return 202, {}, None
                if team in member["teams"]:
                    return 204, None, None
                member["teams"].append(team)
                return 201, team_record(team, True), None
            if method == "DELETE":
                if team in member["teams"]:
                    member["teams"].remove(team)
                return 200, team_record(team, False), None
        return 405, None, None
