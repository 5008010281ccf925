"""A small, stateful fake of the part of Sentry's API that TeamMembership uses, over real HTTP
(127.0.0.1 only): one organization's members and their teams, bearer auth, a request log.
Used by tests and the rehearsal (`python -m ops rehearse`)."""

from __future__ import annotations

import json
import re
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeSentry:
    """Members of one organization with their teams; bearer auth; a request log.

    `teams` None: every team exists (the rehearsal, where the stand-in provider made them)."""

    def __init__(self, token: str, organization: str, emails: dict[str, list[str]], teams: set[str] | None) -> None:
        self.token = token
        self.organization = organization
        self.members: dict[str, dict] = {
            str(101 + n): {"id": str(101 + n), "email": email, "teams": list(member_teams)}
            for n, (email, member_teams) in enumerate(emails.items())
        }
        self.teams = teams
        self.calls: list[tuple[str, str]] = []
        self.join_status = 201  # 202: Sentry files a join request instead
        self.unavailable = 0  # an outage: the next this many authorised requests get 503
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
                if self.headers.get("Authorization") != f"Bearer {fake.token}":
                    return self._send(401, {"detail": "Invalid token"})
                if fake.unavailable > 0:
                    fake.unavailable -= 1
                    return self._send(503, {"detail": "Service Unavailable"})
                m = re.fullmatch(r"/api/0/organizations/([^/]+)/members/(?:([^/]+)/(?:teams/([^/]+)/)?)?", parts.path)
                if not m or m.group(1) != fake.organization:
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
                if fake.teams is not None and team not in fake.teams:
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
