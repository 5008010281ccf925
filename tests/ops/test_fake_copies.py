"""Fakes that hold a copy of other fakes (`local_apis(..., holding=apis.saved())`): the SaaS side of a deployed stack,
copied for a fault scenario or a test that changes it. The copy serves what the original held, over HTTP with keys of
its own, and from then on each changes alone."""

from __future__ import annotations

import httpx

from ops.rehearsal.apis import local_apis

ONCALL = "primary: Rehearsal On-call <oncall@kitchen-kontrol-rehearsal.dev>"


def _monitor(apis, monitor_id: int) -> httpx.Response:
    return httpx.get(
        f"{apis.uptimerobot.base_url}/monitors/{monitor_id}",
        headers={"Authorization": f"Bearer {apis.uptimerobot.api_key}"},
    )


def test_a_copy_serves_what_the_original_held_then_each_changes_alone():
    with local_apis("staging", [ONCALL]) as original:
        monitor_id = original.uptimerobot.new_id()
        original.uptimerobot.monitors[monitor_id] = {
            "id": monitor_id,
            "friendlyName": "kitchen-kontrol-staging health",
            "interval": 300,
            "assignedAlertContacts": [],
        }
        (member,) = original.sentry.members.values()
        member["teams"].append("kitchen-kontrol-staging")
        with local_apis("staging", [], holding=original.saved()) as copy:
            assert (copy.uptimerobot.base_url, copy.uptimerobot.api_key) != (
                original.uptimerobot.base_url,
                original.uptimerobot.api_key,
            )
            served = _monitor(copy, monitor_id)
            assert served.status_code == 200 and served.json()["interval"] == 300
            assert copy.sentry.members == original.sentry.members
            assert copy.uptimerobot.new_id() == original.uptimerobot.new_id()  # ids go on from the same place

            copy.uptimerobot.monitors[monitor_id]["interval"] = 3600
            copy.sentry.members[member["id"]]["teams"].clear()
            assert _monitor(original, monitor_id).json()["interval"] == 300
            assert member["teams"] == ["kitchen-kontrol-staging"]
            original.uptimerobot.monitors.clear()
            assert _monitor(copy, monitor_id).json()["interval"] == 3600
