"""A small, stateful fake of the part of Sentry's API that TeamMembership uses, over real HTTP
(127.0.0.1 only, plain or TLS): one organization's members and their teams, bearer auth, a request
log, Sentry's Link-header pagination, and faults injected on demand (a hostile Sentry for the tests).
Used by tests and the rehearsal (`python -m ops rehearse`)."""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

from ops.rehearsal.fake_http import FakeApi, JsonHandler

NOT_FOUND = {"detail": "The requested resource does not exist"}


class FakeSentry(FakeApi):
    """Members of one organization with their teams; bearer auth; a request log (`calls`, `times`).

    `teams` None: every team exists (the rehearsal, where the stand-in provider made them).
    The member search matches `query=email:…` as a substring, as Sentry's free-text search may, except for a
    pending invite (`add_member(..., pending=True)`), which it matches only exactly, case included; and answers
    `page_size` members a page with Sentry's Link header (`results="false"` on the
    last `next`). `endless`: every page points to one more (a listing that never ends)."""

    error_key = "detail"
    unauthorized = {"detail": "Invalid token"}

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
        self.base_url = f"{self.origin}/api/"

    def add_member(self, email: str, teams: list[str] | None = None, *, pending: bool = False) -> dict:
        member_id = str(101 + len(self.members))
        self.members[member_id] = {"id": member_id, "email": email, "teams": list(teams or []), "pending": pending}
        return self.members[member_id]

    def handle(self, request: JsonHandler, method: str, url: urllib.parse.SplitResult) -> None:
        if not self.admit(request, method, url.path):
            return request.send(401, self.unauthorized)
        fault = self.take_fault(method, url.path)
        if fault and not fault.commit:
            return request.fault(fault)
        status, payload, headers = self._answer(method, url)
        if fault:
            return request.fault(fault, status, payload)
        request.send(status, payload, headers)

    def _listing(self, query: dict[str, list[str]]) -> tuple[int, list, dict[str, str]]:
        wanted = query.get("query", [""])[0].removeprefix("email:")

        def matches(member: dict) -> bool:
            if member["pending"]:
                return not wanted or member["email"] == wanted
            return wanted.lower() in member["email"].lower()

        found = [v for v in self.members.values() if matches(v)]
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
                return 200, member, None
            if self.teams is not None and team not in self.teams:
                return 404, NOT_FOUND, None
            if method == "POST":
                if self.join_status == 202:
                    return 202, {}, None
                if team in member["teams"]:
                    return 204, None, None
                member["teams"].append(team)
                return 201, member, None
            if method == "DELETE":
                if team in member["teams"]:
                    member["teams"].remove(team)
                return 200, member, None
        return 405, None, None
