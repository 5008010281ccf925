"""A small, stateful fake of Render's notification-override API over real HTTP (127.0.0.1 only):
``GET|PATCH /v1/notification-settings/overrides/services/{serviceId}``, bearer auth, Render's
validation (400 naming the field) and its published contract (the OpenAPI subset in
vendor_specs/, ops/rehearsal/vendor_contract.py), a request log and one-shot faults. Used by tests and the
rehearsal (`python -m ops rehearse`), where the stand-in Render provider made the service."""

from __future__ import annotations

import json
import re
import urllib.parse
from typing import Any

from ops.rehearsal.fake_http import FakeApi, JsonHandler
from ops.rehearsal.vendor_contract import RENDER

PATH = re.compile(r"/v1/notification-settings/overrides/services/(srv-[a-z0-9-]+)")
CHOICES = {
    "notificationsToSend": ("default", "all", "failure", "none"),
    "previewNotificationsEnabled": ("default", "true", "false"),
}


class FakeRender(FakeApi):
    """Notification overrides by service id. `services` None: every `srv-…` id exists (the rehearsal);
    otherwise only those, and any other answers 404 as Render does. `calls` holds (method, path, body)."""

    unauthorized = {"id": "unauthorized", "message": "Unauthorized"}
    spec = RENDER
    held = ("services", "overrides")

    def __init__(self, api_key: str, services: set[str] | None = None) -> None:
        super().__init__(api_key, name="fake-render")
        self.services = services
        self.overrides: dict[str, dict[str, str]] = {}
        self.base_url = f"{self.origin}/v1"

    def handle(self, request: JsonHandler, method: str, url: urllib.parse.SplitResult) -> None:
        raw = request.body()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = "<not json>"
        if not self.admit(request, method, url.path, body):
            return request.send(401, self.unauthorized)
        if self.refuse_by_spec(request, method, url, raw):
            return None
        fault = self.take_fault(method, url.path)
        if fault:
            return request.fault(fault)
        request.send(*self._answer(method, url.path, body))

    def _answer(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        match = PATH.fullmatch(path)
        if not match or (self.services is not None and match.group(1) not in self.services):
            return 404, {"id": "not-found", "message": "not found"}
        if method not in ("GET", "PATCH"):
            return 405, {"id": "method-not-allowed", "message": f"{method} is not allowed here"}
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
