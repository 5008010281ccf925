"""A small, stateful fake of UptimeRobot's v3 API over real HTTP (127.0.0.1 only).

Keeps monitors and alert contacts in memory, enforces bearer auth, an optional
request-rate limit (429 + Retry-After) and field validation (400 naming the
field), and injects faults on demand. Used by tests and by bench/.
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.parse
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ops.rehearsal.faults import take_fault

INVALID_TOKEN = {"message": "Invalid token.", "code": "003-005"}


@dataclass
class Fault:
    """One injected misbehaviour for requests matching `method` and `path` (regex, full match).

    kind: "429" (Retry-After: retry_after), "500", "401", "404", "malformed" (200 with broken
    JSON), "echo" (400 whose message repeats the Authorization header), "echo-header" (the same
    in a response header), "timeout" (sleep `delay` seconds, then answer), "body" (answer
    `status` with `payload`), "redirect" (`status` with `Location: location`), "trickle-headers"
    and "trickle-body" (the answer one byte every `delay` seconds, from the status line or from
    the body on). `commit` decides whether the request is applied before the fault (a create that
    happened but whose reply was lost); a committed fault answers with the real result.
    """

    method: str
    path: str
    kind: str
    times: int = 1
    commit: bool = False
    retry_after: str = "7"
    delay: float = 2.0
    status: int = 400
    payload: Any = None
    location: str = ""


class FakeUptimeRobot:
    def __init__(
        self,
        api_key: str = "test-key",
        *,
        page_size: int = 50,
        rate_limit: tuple[int, float] | None = None,
        max_monitors: int = 50,
    ) -> None:
        self.api_key = api_key
        self.page_size = page_size
        self.rate_limit = rate_limit  # (requests, window seconds)
        self.max_monitors = max_monitors
        self.monitors: dict[int, dict[str, Any]] = {}
        self.contacts: dict[int, dict[str, Any]] = {}
        self.calls: list[tuple[str, str]] = []
        self.seen_auth: list[str] = []
        self.faults: list[Fault] = []
        self._next_id = 800000001
        self._lock = threading.RLock()
        self._recent: deque[float] = deque()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------

    def start(self) -> FakeUptimeRobot:
        fake = self

        class Handler(_Handler):
            api = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="fake-uptimerobot", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeUptimeRobot:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "fake not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v3"

    # -- test helpers ----------------------------------------------------------

    def inject(self, method: str, path: str, kind: str, **kw: Any) -> Fault:
        fault = Fault(method.upper(), path, kind, **kw)
        with self._lock:
            self.faults.append(fault)
        return fault

    def new_id(self) -> int:
        with self._lock:
            self._next_id += 1
            return self._next_id

    def add_monitor(self, **fields: Any) -> dict[str, Any]:
        """Seed a monitor as if created outside Pulumi."""
        mid = self.new_id()
        monitor = {
            "id": mid,
            "type": "HTTP",
            "interval": 300,
            "timeout": 30,
            "httpMethodType": "GET",
            "followRedirections": True,
            "checkSSLErrors": True,
            "assignedAlertContacts": [],
            "status": "NOT_CHECKED",
            **fields,
        }
        monitor["id"] = mid
        with self._lock:
            self.monitors[mid] = monitor
        return monitor

    # -- request handling (called from server threads) -------------------------

    def take_fault(self, method: str, path: str) -> Fault | None:
        return take_fault(self.faults, self._lock, method, path)

    def rate_limited(self) -> float | None:
        if not self.rate_limit:
            return None
        limit, window = self.rate_limit
        now = time.monotonic()
        with self._lock:
            while self._recent and self._recent[0] <= now - window:
                self._recent.popleft()
            if len(self._recent) >= limit:
                return self._recent[0] + window - now
            self._recent.append(now)
        return None

    def dispatch(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple[int, Any]:
        with self._lock:
            return self._dispatch(method, path, query, body)

    def _dispatch(self, method, path, query, body):
        if path == "/v3/monitors" and method == "GET":
            return self._list_monitors(query)
        if path == "/v3/monitors" and method == "POST":
            return self._save_monitor(None, body)
        m = re.fullmatch(r"/v3/monitors/(\d+)", path)
        if m:
            mid = int(m.group(1))
            if mid not in self.monitors:
                return 404, {"message": "Monitor not found."}
            if method == "GET":
                return 200, self.monitors[mid]
            if method == "PATCH":
                return self._save_monitor(mid, body)
            if method == "DELETE":
                del self.monitors[mid]
                return 200, {}
        if path == "/v3/user/alert-contacts" and method == "GET":
            return self._page(sorted(self.contacts.values(), key=lambda c: c["id"]), query, "user/alert-contacts")
        if path == "/v3/alert-contacts" and method == "POST":
            return self._save_contact(None, body)
        m = re.fullmatch(r"/v3/alert-contacts/(\d+)", path)
        if m:
            cid = int(m.group(1))
            if cid not in self.contacts:
                return 404, {"message": "Alert contact not found."}
            if method == "GET":
                return 200, self.contacts[cid]
            if method == "PATCH":
                return self._save_contact(cid, body)
            if method == "DELETE":
                if any(
                    int(a["alertContactId"]) == cid
                    for mon in self.monitors.values()
                    for a in mon["assignedAlertContacts"]
                ):
                    return 400, {"message": "Alert contact is assigned to monitors.", "field": "id"}
                del self.contacts[cid]
                return 200, {}
        return 404, {"message": f"Cannot {method} {path}"}

    def _list_monitors(self, query):
        items = sorted(self.monitors.values(), key=lambda m: m["id"])
        if "name" in query:
            items = [m for m in items if query["name"][0].lower() in m["friendlyName"].lower()]
        if "url" in query:
            items = [m for m in items if query["url"][0] in m["url"]]
        return self._page(items, query, "monitors")

    def _page(self, items, query, path):
        """One page of a listing sorted by id: `data` and the `nextLink` to the rest (v3's shape)."""
        cursor = int(query.get("cursor", ["0"])[0])
        items = [m for m in items if m["id"] > cursor]
        page = items[: self.page_size]
        next_link = None
        if len(items) > self.page_size:
            rest = {k: v[0] for k, v in query.items() if k != "cursor"}
            rest["cursor"] = str(page[-1]["id"])
            next_link = f"{self.base_url}/{path}?{urllib.parse.urlencode(rest)}"
        return 200, {"data": page, "nextLink": next_link}

    def _save_monitor(self, mid, body):
        if not isinstance(body, dict):
            return 400, {"message": "Body must be a JSON object."}
        current = self.monitors.get(mid, {}) if mid else {}
        merged = {**current, **body}
        errors = []
        if not merged.get("friendlyName"):
            errors.append(("friendlyName", "friendlyName should not be empty"))
        if not str(merged.get("url", "")).startswith(("http://", "https://")):
            errors.append(("url", "url must be a URL address"))
        if not isinstance(merged.get("interval"), int) or merged["interval"] < 30:
            errors.append(("interval", "interval must not be less than 30"))
        if str(merged.get("type", "")).upper() != "HTTP":
            errors.append(("type", "type must be one of the following values: HTTP, KEYWORD, ..."))
        for a in merged.get("assignedAlertContacts") or []:
            if not str(a.get("alertContactId", "")).isdigit() or int(a["alertContactId"]) not in self.contacts:
                errors.append(("assignedAlertContacts", f"alert contact {a.get('alertContactId')} does not exist"))
        if errors:
            return 400, {
                "message": errors[0][1],
                "error": "Bad Request",
                "details": [{"field": f, "message": msg} for f, msg in errors],
            }
        if mid is None and len(self.monitors) >= self.max_monitors:
            return 403, {"message": "You have reached the monitor limit of your plan."}
        monitor = {"status": "NOT_CHECKED", "timeout": 30, "httpMethodType": "GET", **merged}
        monitor["type"] = str(monitor["type"]).upper()
        monitor["assignedAlertContacts"] = [
            {
                "alertContactId": int(a["alertContactId"]),
                "threshold": a.get("threshold", 0),
                "recurrence": a.get("recurrence", 0),
            }
            for a in merged.get("assignedAlertContacts") or []
        ]
        monitor["id"] = mid or self.new_id()
        monitor["apiKey"] = "m-monitor-specific-key"  # the real API returns one; must not be copied to outputs
        self.monitors[monitor["id"]] = monitor
        return 200, monitor

    def _save_contact(self, cid, body):
        if not isinstance(body, dict):
            return 400, {"message": "Body must be a JSON object."}
        current = self.contacts.get(cid, {}) if cid else {}
        if cid is None:
            if str(body.get("type", "")).lower() != "email":
                return 400, {"message": ["type must be one of: Email, ..."], "error": "Bad Request"}
            if "@" not in str(body.get("value", "")):
                return 400, {"message": ["value must be an email"], "error": "Bad Request"}
        contact = {**current, **{k: v for k, v in body.items() if k in ("friendlyName", "type", "value")}}
        contact.setdefault("status", "NotActivated")
        contact["type"] = "Email"
        contact["id"] = cid or self.new_id()
        self.contacts[contact["id"]] = contact
        return 200, contact


class _Handler(BaseHTTPRequestHandler):
    api: FakeUptimeRobot
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the second waits for the client's
    # delayed ACK (about 40 ms a request on Linux).
    disable_nagle_algorithm = True

    def log_message(self, *args: Any) -> None:  # keep pytest output clean
        pass

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None, raw: bytes | None = None):
        data = raw if raw is not None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # client timed out and went away (the "lost reply" scenario)

    def _handle(self) -> None:
        api = self.api
        parsed = urllib.parse.urlparse(self.path)
        method, path = self.command, parsed.path
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(length) if length else b""
        with api._lock:
            api.calls.append((method, path))
            api.seen_auth.append(self.headers.get("Authorization", ""))
        if self.headers.get("Authorization") != f"Bearer {api.api_key}":
            return self._send(401, INVALID_TOKEN)
        wait = api.rate_limited()
        if wait is not None:
            return self._send(
                429,
                {"message": "Too many requests, rate limit exceeded."},
                {
                    "Retry-After": str(max(1, round(wait))),
                    "X-RateLimit-Limit": str(api.rate_limit[0]),
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": str(int(time.time() + wait) + 1),
                },
            )
        try:
            body = json.loads(raw_body) if raw_body else None
        except ValueError:
            return self._send(400, {"message": "Malformed JSON body."})
        fault = api.take_fault(method, path)
        if fault is not None and not fault.commit:
            return self._fault(fault)
        status, payload = api.dispatch(method, path, urllib.parse.parse_qs(parsed.query), body)
        if fault is not None:
            return self._fault(fault, status, payload)
        self._send(status, payload)

    def _fault(self, fault: Fault, status: int = 200, payload: Any = None) -> None:
        if fault.kind == "429":
            return self._send(429, {"message": "Too many requests"}, {"Retry-After": fault.retry_after})
        if fault.kind == "500":
            return self._send(500, {"message": "Internal server error"})
        if fault.kind == "401":
            return self._send(401, INVALID_TOKEN)
        if fault.kind == "404":
            return self._send(404, {"message": "Not found."})
        if fault.kind == "echo":  # a badly behaved server reflecting the credential back
            return self._send(400, {"message": f"Bad header {self.headers.get('Authorization')}", "field": "url"})
        if fault.kind == "echo-header":
            auth = self.headers.get("Authorization", "")
            return self._send(400, {"message": "Bad header"}, {"X-Echo": auth})
        if fault.kind == "body":
            return self._send(fault.status, fault.payload)
        if fault.kind == "redirect":
            return self._send(fault.status, {"message": "moved"}, {"Location": fault.location})
        if fault.kind in ("trickle-headers", "trickle-body"):
            return self._trickle(fault, status, payload)
        if fault.kind == "malformed":
            return self._send(200, None, raw=b'{"id": 12, "friendlyName": <html>')
        if fault.kind == "timeout":
            time.sleep(fault.delay)  # past the client's timeout: it gives up, the change (if committed) stays
            return self._send(status, payload)
        raise AssertionError(f"unknown fault kind {fault.kind}")

    def _trickle(self, fault: Fault, status: int, payload: Any) -> None:
        """A slow-loris answer: every read finishes quickly, the whole answer takes long."""
        data = json.dumps(payload).encode()
        head = (
            f"HTTP/1.1 {status} Whatever\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n"
        ).encode()
        fast, slow = (b"", head + data) if fault.kind == "trickle-headers" else (head, data)
        self.close_connection = True
        try:
            self.wfile.write(fast)
            for i in range(len(slow)):
                self.wfile.write(slow[i : i + 1])
                time.sleep(fault.delay)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up: what a deadline is for

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()
