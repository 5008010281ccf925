"""The fake UptimeRobot's `/v3/integrations` (Slack only): create, read, update, delete, as the v3 API
models an integration (`friendlyName`, `type`, `value` = the webhook URL, `customValue` = the channel,
`enableNotificationsFor`). Answers echo the webhook URL, as the real API may, so a test proves the
provider never copies it into outputs."""

from __future__ import annotations

import re
from typing import Any

FIELDS = ("friendlyName", "type", "value", "customValue", "enableNotificationsFor", "sslExpirationReminder")


def integration_answer(api: Any, method: str, path: str, body: Any) -> tuple[int, Any]:
    if path == "/v3/integrations" and method == "POST":
        return _save(api, None, body)
    m = re.fullmatch(r"/v3/integrations/(\d+)", path)
    if not m:
        return 404, {"message": f"Cannot {method} {path}"}
    iid = int(m.group(1))
    if iid not in api.integrations:
        return 404, {"message": "Integration not found."}
    if method == "GET":
        return 200, api.integrations[iid]
    if method == "PATCH":
        return _save(api, iid, body)
    if method == "DELETE":
        del api.integrations[iid]
        return 200, {}
    return 404, {"message": f"Cannot {method} {path}"}


def _save(api: Any, iid: int | None, body: Any) -> tuple[int, Any]:
    if not isinstance(body, dict):
        return 400, {"message": "Body must be a JSON object."}
    merged = {**api.integrations.get(iid, {}), **{k: v for k, v in body.items() if k in FIELDS}}
    if str(merged.get("type", "")).lower() != "slack":
        return 400, {"message": "type must be one of the following values: Slack, ...", "field": "type"}
    if not str(merged.get("value", "")).startswith("https://hooks.slack.com/"):
        return 400, {"message": "value must be a Slack webhook URL", "field": "value"}
    if not str(merged.get("customValue", "")).startswith("#"):
        return 400, {"message": "customValue must be a channel such as #alerts", "field": "customValue"}
    merged["type"] = "Slack"
    merged["id"] = iid or api.new_id()
    api.integrations[merged["id"]] = merged
    return 200, merged
