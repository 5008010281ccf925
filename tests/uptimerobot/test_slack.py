"""The UptimeRobot Slack integration against the fake over real HTTP: what UptimeRobot holds, what the
monitor alerts, and that the webhook URL (a canary) is never in inputs, outputs or an error."""

from __future__ import annotations

import json
import pickle

import pytest

from components.saas_http import ApiError, MissingCredentialError
from components.uptimerobot import SlackIntegration, SlackIntegrationProvider
from tests.support.sentry import assert_no_token
from tests.support.uptimerobot import CANARY_KEY

WEBHOOK = "https://hooks.slack.com/services/T0CANARY/B0CANARY/CANARYwebhook9d41c7"
PROPS = {"name": "kitchen-kontrol-staging health Slack", "channel": "#alerts", "provider_version": "1"}


@pytest.fixture
def slack_env(fake, monkeypatch):
    monkeypatch.setenv("UPTIMEROBOT_API_KEY", CANARY_KEY)
    monkeypatch.setenv("UPTIMEROBOT_API_URL", fake.base_url)
    monkeypatch.setenv("UPTIMEROBOT_SLACK_WEBHOOK_URL", WEBHOOK)
    return fake


def test_create_posts_to_the_channel_and_keeps_the_webhook_out_of_state(slack_env):
    provider = SlackIntegrationProvider()
    created = provider.create(dict(PROPS))
    held = slack_env.integrations[int(created.id)]
    assert (held["type"], held["value"], held["customValue"]) == ("Slack", WEBHOOK, "#alerts")
    read = provider.read(created.id, created.outs)
    for outs in (created.outs, read.outs):  # the fake echoes the URL; outputs never hold it
        assert "CANARYwebhook" not in json.dumps(outs)
        assert outs["channel"] == "#alerts"
    assert b"CANARYwebhook" not in pickle.dumps(provider)

    provider.update(created.id, created.outs, {**PROPS, "channel": "#incidents"})
    assert slack_env.integrations[int(created.id)]["customValue"] == "#incidents"
    provider.delete(created.id, created.outs)
    assert slack_env.integrations == {}


def test_a_monitor_accepts_the_integration_as_a_contact(slack_env, monitors):
    created = SlackIntegrationProvider().create(dict(PROPS))
    body = {
        "name": "kk health",
        "url": "https://kk.example.com/api/health",
        "assigned_alert_contacts": [{"alert_contact_id": created.id, "threshold": 2}],
    }
    monitor = monitors.create(monitors.check({}, body).inputs)
    assert slack_env.monitors[int(monitor.id)]["assignedAlertContacts"][0]["alertContactId"] == int(created.id)


def test_without_the_webhook_the_error_names_the_variable(slack_env, monkeypatch):
    monkeypatch.delenv("UPTIMEROBOT_SLACK_WEBHOOK_URL")
    with pytest.raises(MissingCredentialError, match="UPTIMEROBOT_SLACK_WEBHOOK_URL"):
        SlackIntegrationProvider().create(dict(PROPS))
    assert slack_env.integrations == {}


def test_a_refused_webhook_never_appears_in_the_error(slack_env, monkeypatch):
    # A URL on another host is refused before it is sent; the error names the variable, not the URL's secret path.
    secret_path = "/services/T0CANARY/B0CANARY/CANARYwebhook9d41c7"
    monkeypatch.setenv("UPTIMEROBOT_SLACK_WEBHOOK_URL", "https://hooks.slack.com.evil" + secret_path)
    with pytest.raises(ApiError) as caught:
        SlackIntegrationProvider().create(dict(PROPS))
    assert "UPTIMEROBOT_SLACK_WEBHOOK_URL" in str(caught.value)
    assert_no_token(caught.value, secret_path)
    assert slack_env.calls == []


def test_check_and_construction_name_a_bad_channel():
    failures = SlackIntegrationProvider().check({}, {**PROPS, "channel": "alerts"}).failures
    assert [f.property for f in failures] == ["channel"]
    with pytest.raises(ValueError, match="channel: expected a Slack channel name"):
        SlackIntegration("s", name="x", channel="alerts")
