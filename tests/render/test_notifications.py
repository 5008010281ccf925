"""RenderNotificationOverride's provider against the Render fake over real HTTP: what a user sees in
Render (the override's values), what is restored on delete, and that the API key never leaks."""

from __future__ import annotations

import pytest

from components.render.notifications import NotificationOverrideProvider, RenderNotificationOverride
from components.saas_http import ApiError, ApiValidationError, MissingCredentialError
from tests.render.conftest import KEY, SERVICE
from tests.support.sentry import assert_no_token

OVERRIDE = f"/v1/notification-settings/overrides/services/{SERVICE}"


def props(to_send: str = "failure", previews: str = "default", service: str = SERVICE) -> dict:
    return {
        "service_id": service,
        "notifications_to_send": to_send,
        "preview_notifications_enabled": previews,
        "provider_version": "1",
    }


def test_create_sends_failure_notifications_and_delete_restores_the_default(render):
    provider = NotificationOverrideProvider()
    created = provider.create(props())
    assert created.id == SERVICE
    assert render.overrides[SERVICE] == {"notificationsToSend": "failure", "previewNotificationsEnabled": "default"}
    assert render.calls[-1] == (
        "PATCH",
        OVERRIDE,
        {"notificationsToSend": "failure", "previewNotificationsEnabled": "default"},
    )
    assert set(render.seen_auth) == {f"Bearer {KEY}"}

    provider.delete(SERVICE, created.outs)
    assert render.overrides[SERVICE] == {"notificationsToSend": "default", "previewNotificationsEnabled": "default"}


def test_update_and_read_follow_render(render):
    provider = NotificationOverrideProvider()
    provider.create(props())
    provider.update(SERVICE, props(), props("all", "false"))
    assert render.overrides[SERVICE] == {"notificationsToSend": "all", "previewNotificationsEnabled": "false"}
    render.overrides[SERVICE]["notificationsToSend"] = "none"  # changed by hand in the dashboard
    read = provider.read(SERVICE, props("all", "false"))
    assert read.outs["notifications_to_send"] == "none"  # refresh shows the drift


def test_diff_updates_in_place_and_replaces_only_for_another_service():
    provider = NotificationOverrideProvider()
    assert provider.diff(SERVICE, props(), props()).changes is False
    in_place = provider.diff(SERVICE, props(), props("all"))
    assert in_place.changes and not in_place.replaces
    moved = provider.diff(SERVICE, props(), props(service="srv-other0001"))
    assert moved.replaces == ["service_id"]


def test_a_deleted_service_reads_as_gone_and_deletes_quietly(render):
    provider = NotificationOverrideProvider()
    assert provider.read("srv-gone00000001", props(service="srv-gone00000001")).id is None
    provider.delete("srv-gone00000001", props(service="srv-gone00000001"))  # no error


def test_check_names_each_bad_input():
    failures = NotificationOverrideProvider().check({}, props("failures", "yes", "service-1")).failures
    reasons = {f.property: f.reason for f in failures}
    assert set(reasons) == {"service_id", "notifications_to_send", "preview_notifications_enabled"}
    assert "default, all, failure, none" in reasons["notifications_to_send"]
    assert "default, true, false" in reasons["preview_notifications_enabled"]


def test_the_component_refuses_a_bad_choice_at_construction():
    with pytest.raises(ValueError, match="notifications_to_send must be one of"):
        RenderNotificationOverride("n", service_id=SERVICE, notifications_to_send="failed")


def test_render_refusing_a_field_is_named(render, monkeypatch):
    provider = NotificationOverrideProvider()
    with pytest.raises(ApiValidationError, match="notificationsToSend"):
        provider._write({**props(), "notifications_to_send": "sometimes"})


def test_a_transient_server_error_is_retried(render):
    render.inject("PATCH", OVERRIDE, "500")
    NotificationOverrideProvider().create(props())
    assert [c[0] for c in render.calls] == ["PATCH", "PATCH"]
    assert render.overrides[SERVICE]["notificationsToSend"] == "failure"


def test_no_key_is_a_clear_error(render, monkeypatch):
    monkeypatch.delenv("RENDER_APIKEY")
    with pytest.raises(MissingCredentialError, match="RENDER_APIKEY"):
        NotificationOverrideProvider().create(props())
    assert render.calls == []


def test_a_refused_key_never_appears_in_the_error(render, monkeypatch):
    monkeypatch.setenv("RENDER_APIKEY", KEY + "x")  # wrong key: Render answers 401
    with pytest.raises(ApiError) as caught:
        NotificationOverrideProvider().create(props())
    assert "rejected the API key" in str(caught.value)
    assert_no_token(caught.value, KEY + "x")
