"""A small, stateful fake of the part of Sentry's API that TeamMembership uses, over real HTTP
(127.0.0.1 only, plain or TLS): one organization's members and their teams, bearer auth, a request
log, Sentry's Link-header pagination, and faults injected on demand (a hostile Sentry for the tests).
Used by tests and the rehearsal (`python -m ops rehearse`)."""

from __future__ import annotations

import json
import re
import ssl
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ops.rehearsal.faults import take_fault

NOT_FOUND = {"detail": "The requested resource does not exist"}


@dataclass
class Fault:
    """One misbehaviour for requests matching `method` and `path` (regex, full match), `times` times.

    kind: "redirect" (`status` with `Location: location`), "429" (`Retry-After: retry_after`),
    "502", "hang" (sleep `delay` seconds, then answer), "drop" (close the connection unanswered).
    `commit`: the request is applied first, so a "502", "hang" or "drop" is a reply lost after
    Sentry made the change.
    """

    method: str
    path: str
    kind: str
    times: int = 1
    commit: bool = False
    status: int = 302
    location: str = ""
    retry_after: str = "1"
    delay: float = 5.0


class FakeSentry:
    """Members of one organization with their teams; bearer auth; a request log.

    `teams` None: every team exists (the rehearsal, where the stand-in provider made them).
    The member search matches `query=email:…` as a substring, as Sentry's free-text search may,
    and answers `page_size` members a page with Sentry's Link header (`results="false"` on the
    last `next`). `endless`: every page points to one more (a listing that never ends)."""

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
        self.token = token
        self.organization = organization
        self.members: dict[str, dict] = {}
        for email, member_teams in emails.items():
            self.add_member(email, member_teams)
        self.teams = teams
        self.page_size = page_size
        self.endless = False
        self.calls: list[tuple[str, str]] = []
        self.times: list[float] = []
        self.seen_auth: list[str] = []
        self.faults: list[Fault] = []
        self.join_status = 201  # 202: Sentry files a join request instead
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        scheme = "http"
        if tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(str(tls[0]), str(tls[1]))
            self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
            scheme = "https"
        self.origin = f"{scheme}://127.0.0.1:{self.server.server_address[1]}"
        self.base_url = f"{self.origin}/api/"

    def add_member(self, email: str, teams: list[str] | None = None) -> dict:
        member_id = str(101 + len(self.members))
        self.members[member_id] = {"id": member_id, "email": email, "teams": list(teams or [])}
        return self.members[member_id]

    def inject(self, method: str, path: str, kind: str, **kw) -> Fault:
        fault = Fault(method, path, kind, **kw)
        self.faults.append(fault)
        return fault

    def _listing(self, query: dict[str, list[str]]) -> tuple[int, list, dict[str, str]]:
        wanted = query.get("query", [""])[0].removeprefix("email:").lower()
        found = [v for v in self.members.values() if wanted in v["email"].lower()]
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

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _send(self, status: int, payload=None, headers: dict[str, str] | None = None) -> None:
                body = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting: the lost reply

            def _route(self, method: str) -> None:
                parts = urllib.parse.urlsplit(self.path)
                with fake._lock:
                    fake.calls.append((method, parts.path))
                    fake.times.append(time.monotonic())
                    fake.seen_auth.append(self.headers.get("Authorization", ""))
                if self.headers.get("Authorization") != f"Bearer {fake.token}":
                    return self._send(401, {"detail": "Invalid token"})
                fault = take_fault(fake.faults, fake._lock, method, parts.path)
                if fault and fault.kind == "redirect":
                    return self._send(fault.status, {}, {"Location": fault.location})
                if fault and fault.kind == "429":
                    return self._send(429, {"detail": "Rate limit exceeded"}, {"Retry-After": fault.retry_after})
                if fault and not fault.commit:
                    return self._misbehave(fault)
                status, payload, headers = fake._answer(method, parts)
                if fault:
                    return self._misbehave(fault, status, payload)
                self._send(status, payload, headers)

            def _misbehave(self, fault: Fault, status: int = 200, payload=None) -> None:
                if fault.kind == "502":
                    return self._send(502, {"detail": "Bad gateway"})
                if fault.kind == "hang":
                    time.sleep(fault.delay)
                    return self._send(status, payload)
                if fault.kind == "drop":
                    self.close_connection = True
                    return None
                raise AssertionError(f"unknown fault kind {fault.kind}")

            def do_GET(self):
                self._route("GET")

            def do_POST(self):
                self._route("POST")

            def do_DELETE(self):
                self._route("DELETE")

        return Handler

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

    def __enter__(self) -> FakeSentry:
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
