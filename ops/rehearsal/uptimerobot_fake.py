"""A small, stateful fake of UptimeRobot's v3 API over real HTTP (127.0.0.1 only).

Keeps monitors and alert contacts in memory, enforces bearer auth, an optional
request-rate limit (429 + Retry-After) and field validation (400 naming the
field), and injects faults on demand. Used by tests and by bench/.
"""

from __future__ import annotations

import json
import re
import time
import urllib.parse
from collections import deque
from dataclasses import dataclass
from typing import Any

from ops.rehearsal.fake_http import FakeApi, JsonHandler
from ops.rehearsal.faults.armed import Fault
from ops.rehearsal.uptimerobot_integrations import integration_answer

INVALID_TOKEN = {"message": "Invalid token.", "code": "003-005"}


@dataclass
class UptimeRobotFault(Fault):
    """The shared faults (ops/rehearsal/faults/armed.py; "body" answers 400 unless told) and UptimeRobot's own:
    "401", "404", "malformed" (200 with broken JSON), "echo" (400 whose message repeats the
    Authorization header), "echo-header" (the same in a response header), "trickle-headers" and
    "trickle-body" (the answer one byte every `delay` seconds, from the status line or from the body on).
    """

    status: int = 400
    retry_after: str = "7"
    delay: float = 2.0


class FakeUptimeRobot(FakeApi):
    """Monitors, alert contacts and Slack integrations; `rate_limit` (requests, window seconds)
    answers 429 with UptimeRobot's rate-limit headers past it; `calls` holds (method, path)."""

    unauthorized = INVALID_TOKEN
    fault_type = UptimeRobotFault
    held = ("monitors", "contacts", "integrations", "_next_id")

    def __init__(
        self,
        api_key: str = "test-key",
        *,
        page_size: int = 50,
        rate_limit: tuple[int, float] | None = None,
        max_monitors: int = 50,
    ) -> None:
        super().__init__(api_key, name="fake-uptimerobot")
        self.page_size = page_size
        self.rate_limit = rate_limit
        self.max_monitors = max_monitors
        self.monitors: dict[int, dict[str, Any]] = {}
        self.contacts: dict[int, dict[str, Any]] = {}
        self.integrations: dict[int, dict[str, Any]] = {}  # Slack, assigned to monitors like a contact
        self._next_id = 800000001
        self._recent: deque[float] = deque()
        self.base_url = f"{self.origin}/v3"

    # -- test helpers ----------------------------------------------------------

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
        if path.startswith("/v3/integrations"):
            return integration_answer(self, method, path, body)
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
            known = {*self.contacts, *self.integrations}
            if not str(a.get("alertContactId", "")).isdigit() or int(a["alertContactId"]) not in known:
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

    # -- the HTTP side (server threads) -----------------------------------------

    def handle(self, request: JsonHandler, method: str, url: urllib.parse.SplitResult) -> None:
        raw_body = request.body()
        if not self.admit(request, method, url.path):
            return request.send(401, INVALID_TOKEN)
        wait = self.rate_limited()
        if wait is not None:
            return request.send(
                429,
                {"message": "Too many requests, rate limit exceeded."},
                {
                    "Retry-After": str(max(1, round(wait))),
                    "X-RateLimit-Limit": str(self.rate_limit[0]),
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": str(int(time.time() + wait) + 1),
                },
            )
        try:
            body = json.loads(raw_body) if raw_body else None
        except ValueError:
            return request.send(400, {"message": "Malformed JSON body."})
        fault = self.take_fault(method, url.path)
        if fault is not None and not fault.commit:
            return request.fault(fault)
        status, payload = self.dispatch(method, url.path, urllib.parse.parse_qs(url.query), body)
        if fault is not None:
            return request.fault(fault, status, payload)
        request.send(status, payload)

    def answer_fault(self, request: JsonHandler, fault: Fault, status: int, payload: Any) -> None:
        if fault.kind == "401":
            return request.send(401, INVALID_TOKEN)
        if fault.kind == "404":
            return request.send(404, {"message": "Not found."})
        auth = request.headers.get("Authorization", "")
        if fault.kind == "echo":  # a badly behaved server reflecting the credential back
            return request.send(400, {"message": f"Bad header {auth}", "field": "url"})
        if fault.kind == "echo-header":
            return request.send(400, {"message": "Bad header"}, {"X-Echo": auth})
        if fault.kind == "malformed":
            return request.send(200, raw=b'{"id": 12, "friendlyName": <html>')
        if fault.kind in ("trickle-headers", "trickle-body"):
            return self._trickle(request, fault, status, payload)
        return super().answer_fault(request, fault, status, payload)

    @staticmethod
    def _trickle(request: JsonHandler, fault: Fault, status: int, payload: Any) -> None:
        """A slow-loris answer: every read finishes quickly, the whole answer takes long."""
        data = json.dumps(payload).encode()
        head = (
            f"HTTP/1.1 {status} Whatever\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n"
        ).encode()
        fast, slow = (b"", head + data) if fault.kind == "trickle-headers" else (head, data)
        request.close_connection = True
        try:
            request.wfile.write(fast)
            for i in range(len(slow)):
                request.wfile.write(slow[i : i + 1])
                time.sleep(fault.delay)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up: what a deadline is for
