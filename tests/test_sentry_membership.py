"""TeamMembership against a stateful fake of Sentry's API over real HTTP (127.0.0.1): existing
members join the environment's team and leave only that team; non-members get a clear error;
the token stays out of state, pickles and messages."""

from __future__ import annotations

import base64
import json
import re
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from components.sentry_membership import (
    NotAMember,
    SentryApi,
    SentryError,
    TeamMembershipProvider,
)

TOKEN = "CANARYsentryToken4b2e91"
ORG = "kitchen-kontrol"
TEAM = "kitchen-kontrol-staging"


class FakeSentry:
    """Members of one organization with their teams; bearer auth; a request log."""

    def __init__(self) -> None:
        self.members: dict[str, dict] = {
            "101": {"id": "101", "email": "ana@kitchen-kontrol.dev", "teams": ["kitchen-kontrol-production"]},
            "102": {"id": "102", "email": "Bo@Kitchen-Kontrol.dev", "teams": []},
        }
        self.teams = {"kitchen-kontrol-staging", "kitchen-kontrol-production"}
        self.calls: list[tuple[str, str]] = []
        self.join_status = 201  # 202: Sentry files a join request instead
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/api/"

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _send(self, status: int, payload=None) -> None:
                body = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _route(self, method: str) -> None:
                parts = urllib.parse.urlsplit(self.path)
                fake.calls.append((method, parts.path))
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self._send(401, {"detail": "Invalid token"})
                m = re.fullmatch(r"/api/0/organizations/([^/]+)/members/(?:([^/]+)/(?:teams/([^/]+)/)?)?", parts.path)
                if not m or m.group(1) != ORG:
                    return self._send(404, {"detail": "The requested resource does not exist"})
                member_id, team = m.group(2), m.group(3)
                if method == "GET" and member_id is None:
                    query = urllib.parse.parse_qs(parts.query).get("query", [""])[0]
                    email = query.removeprefix("email:").lower()
                    return self._send(200, [v for v in fake.members.values() if v["email"].lower() == email])
                member = fake.members.get(member_id or "")
                if member is None:
                    return self._send(404, {"detail": "The requested resource does not exist"})
                if method == "GET" and team is None:
                    return self._send(200, member)
                if team not in fake.teams:
                    return self._send(404, {"detail": "The requested resource does not exist"})
                if method == "POST":
                    if fake.join_status == 202:
                        return self._send(202, {})
                    if team in member["teams"]:
                        return self._send(204)
                    member["teams"].append(team)
                    return self._send(201, member)
                if method == "DELETE":
                    if team in member["teams"]:
                        member["teams"].remove(team)
                    return self._send(200, member)
                return self._send(405)

            def do_GET(self):
                self._route("GET")

            def do_POST(self):
                self._route("POST")

            def do_DELETE(self):
                self._route("DELETE")

        return Handler

    def __enter__(self) -> FakeSentry:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake(monkeypatch) -> Iterator[FakeSentry]:
    with FakeSentry() as server:
        monkeypatch.setenv("SENTRY_AUTH_TOKEN", TOKEN)
        monkeypatch.delenv("SENTRY_TOKEN", raising=False)
        monkeypatch.setenv("SENTRY_BASE_URL", server.base_url)
        yield server


def props(email: str, team: str = TEAM) -> dict:
    return {"organization": ORG, "team": team, "email": email, "provider_version": "1"}


def test_existing_member_joins_the_environment_team_and_leaves_only_it(fake):
    provider = TeamMembershipProvider()
    created = provider.create(props("ana@kitchen-kontrol.dev"))
    assert created.id == f"{ORG}/{TEAM}/101" and created.outs["member_id"] == "101"
    assert fake.members["101"]["teams"] == ["kitchen-kontrol-production", TEAM]
    assert provider.read(created.id, created.outs).id == created.id

    provider.delete(created.id, created.outs)
    # Off the staging team; still a member of the organization and of production's team.
    assert fake.members["101"]["teams"] == ["kitchen-kontrol-production"]
    assert "101" in fake.members
    assert all(method != "DELETE" or "/teams/" in path for method, path in fake.calls)


def test_email_is_matched_without_regard_to_case(fake):
    created = TeamMembershipProvider().create(props("bo@kitchen-kontrol.dev"))
    assert created.outs["member_id"] == "102"


def test_a_person_outside_the_organization_is_a_clear_error_and_nothing_is_created(fake):
    with pytest.raises(NotAMember) as caught:
        TeamMembershipProvider().create(props("cy@kitchen-kontrol.dev"))
    assert str(caught.value).startswith(
        "cy@kitchen-kontrol.dev is not a member of the Sentry organization 'kitchen-kontrol': invite them"
    )
    assert [m for m, _ in fake.calls] == ["GET"]  # looked up, nothing written


def test_check_reports_a_non_member_before_anything_changes(fake):
    result = TeamMembershipProvider().check({}, props("cy@kitchen-kontrol.dev"))
    assert [(f.property, f.reason.split(":")[0]) for f in result.failures] == [
        ("email", "cy@kitchen-kontrol.dev is not a member of the Sentry organization 'kitchen-kontrol'")
    ]
    assert TeamMembershipProvider().check({}, props("ana@kitchen-kontrol.dev")).failures == []


def test_check_without_a_token_validates_shape_only(fake, monkeypatch):
    monkeypatch.delenv("SENTRY_AUTH_TOKEN")
    assert TeamMembershipProvider().check({}, props("cy@kitchen-kontrol.dev")).failures == []
    bad = TeamMembershipProvider().check({}, {"organization": "Kitchen Kontrol", "team": TEAM, "email": "x"})
    assert [f.property for f in bad.failures] == ["organization", "email"]
    assert fake.calls == []


def test_sentry_token_is_the_fallback_name(fake, monkeypatch):
    monkeypatch.delenv("SENTRY_AUTH_TOKEN")
    monkeypatch.setenv("SENTRY_TOKEN", TOKEN)
    assert TeamMembershipProvider().create(props("ana@kitchen-kontrol.dev")).outs["member_id"] == "101"


def test_someone_taken_off_the_team_outside_pulumi_reads_as_gone(fake):
    provider = TeamMembershipProvider()
    created = provider.create(props("ana@kitchen-kontrol.dev"))
    fake.members["101"]["teams"].remove(TEAM)
    assert provider.read(created.id, created.outs).id is None
    del fake.members["101"]
    assert provider.read(created.id, created.outs).id is None
    provider.delete(created.id, created.outs)  # already gone: not an error


def test_join_request_instead_of_membership_is_an_error(fake):
    fake.join_status = 202
    with pytest.raises(SentryError, match="only filed a request .* team:write"):
        TeamMembershipProvider().create(props("ana@kitchen-kontrol.dev"))


def test_missing_or_refused_token_never_shows_it(fake, monkeypatch):
    monkeypatch.delenv("SENTRY_AUTH_TOKEN")
    with pytest.raises(SentryError, match="no Sentry token: export SENTRY_AUTH_TOKEN"):
        TeamMembershipProvider().create(props("ana@kitchen-kontrol.dev"))
    api = SentryApi(fake.base_url, "CANARYwrongToken77")
    with pytest.raises(SentryError) as caught:
        api.find_member(ORG, "ana@kitchen-kontrol.dev")
    assert "HTTP 401" in str(caught.value) and "CANARY" not in str(caught.value)


def test_unknown_organization_and_plain_http_are_refused(fake):
    api = SentryApi.from_environment()
    with pytest.raises(SentryError, match="organization 'elsewhere' does not exist"):
        api.find_member("elsewhere", "ana@kitchen-kontrol.dev")
    with pytest.raises(SentryError, match="must be an https:// URL"):
        SentryApi("http://sentry.example.com/api/", TOKEN)


def test_diff_replaces_on_any_identity_change():
    provider = TeamMembershipProvider()
    old = {**props("ana@kitchen-kontrol.dev"), "member_id": "101"}
    assert provider.diff("id", old, props("ana@kitchen-kontrol.dev")).changes is False
    moved = provider.diff("id", old, props("ana@kitchen-kontrol.dev", team="kitchen-kontrol-qa"))
    assert moved.changes is True and moved.replaces == ["team"]


def test_pickled_provider_holds_no_token(fake):
    from pulumi.dynamic.dynamic import serialize_provider

    pickled = base64.b64decode(serialize_provider(TeamMembershipProvider()))
    assert TOKEN.encode() not in pickled and len(pickled) < 200
