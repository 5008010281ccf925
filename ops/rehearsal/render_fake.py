"""A small, stateful fake of Render's notification-override API over real HTTP (127.0.0.1 only):
``GET|PATCH /v1/notification-settings/overrides/services/{serviceId}``, bearer auth, Render's
validation (400 naming the field), a request log and one-shot faults. Used by tests and the
rehearsal (`python -m ops rehearse`), where the stand-in Render provider made the service."""

from __future__ import annotations

import json
import re
import threading
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ops.rehearsal.faults import take_fault

PATH = re.compile(r"/v1/notification-settings/overrides/services/(srv-[a-z0-9-]+)")
CHOICES = {
    "notificationsToSend": ("default", "all", "failure", "none"),
    "previewNotificationsEnabled": ("default", "true", "false"),
}


@dataclass
class Fault:
    """One misbehaviour for requests matching `method` and `path` (regex, full match), `times` times:
    kind "500" (a server error), "429" (`Retry-After: 1`)."""

    method: str
    path: str
    kind: str
    times: int = 1


class FakeRender:
    """Notification overrides by service id. `services` None: every `srv-…` id exists (the rehearsal);
    otherwise only those, and any other answers 404 as Render does."""

    def __init__(self, api_key: str, services: set[str] | None = None) -> None:
        self.api_key = api_key
        self.services = services
        self.overrides: dict[str, dict[str, str]] = {}
        self.calls: list[tuple[str, str, Any]] = []
        self.seen_auth: list[str] = []
        self.faults: list[Fault] = []
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def inject(self, method: str, path: str, kind: str, times: int = 1) -> Fault:
        fault = Fault(method, path, kind, times)
        self.faults.append(fault)
        return fault

    def _answer(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        match = PATH.fullmatch(path)
        if not match or (self.services is not None and match.group(1) not in self.services):
            return 404, {"id": "not-found", "message": "not found"}
        service_id = match.group(1)
        with self._lock:
            current = self.overrides.setdefault(
                service_id, {"notificationsToSend": "default", "previewNotificationsEnabled": "default"}
            )
            if method == "PATCH":
                if not isinstance(body, dict):
                    return 400, {"id": "invalid", "message": "body must be an object"}
                for field, value in body.items():
                    if field not in CHOICES or value not in CHOICES[field]:
                        return 400, {"id": "invalid", "message": f"invalid value for {field}", "field": field}
                current.update(body)
            return 200, {"serviceId": service_id, **current}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
                raw = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(raw)

            def _route(self, method: str) -> None:
                path = urllib.parse.urlsplit(self.path).path
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length)) if length else None
                except ValueError:
                    body = "<not json>"
                with fake._lock:
                    fake.calls.append((method, path, body))
                    fake.seen_auth.append(self.headers.get("Authorization", ""))
                if self.headers.get("Authorization") != f"Bearer {fake.api_key}":
                    return self._send(401, {"id": "unauthorized", "message": "Unauthorized"})
                fault = take_fault(fake.faults, fake._lock, method, path)
                if fault and fault.kind == "429":
                    return self._send(429, {"message": "rate limited"}, {"Retry-After": "1"})
                if fault and fault.kind == "500":
                    return self._send(500, {"message": "internal error"})
                self._send(*fake._answer(method, path, body))

            def do_GET(self):
                self._route("GET")

            def do_PATCH(self):
                self._route("PATCH")

        return Handler

    def __enter__(self) -> FakeRender:
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
