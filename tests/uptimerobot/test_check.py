"""check(): clear messages naming the field, normalisation, preview unknowns."""

from __future__ import annotations

import pytest

from components.uptimerobot import AlertContactProvider, MonitorProvider

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
GOOD = {"name": "kk", "url": "https://kk.example.com/healthz"}


def failures(provider, news):
    return {f.property: f.reason for f in provider.check({}, news).failures}


@pytest.mark.parametrize(
    ("override", "field", "needle"),
    [
        ({"url": "ftp://kk.example.com"}, "url", "http:// or https://"),
        ({"url": "kk.example.com/health"}, "url", "absolute"),
        ({"interval": 10}, "interval", ">= 30"),
        ({"interval": 90000}, "interval", "<= 86400"),
        ({"interval": 300.5}, "interval", "whole number"),
        ({"timeout": 0}, "timeout", ">= 1"),
        ({"type": "PING"}, "type", "HTTP"),
        ({"http_method_type": "FETCH"}, "http_method_type", "GET"),
        ({"name": ""}, "name", "required"),
        ({"follow_redirections": "yes"}, "follow_redirections", "true or false"),
        ({"intervall": 300}, "intervall", "unknown property"),
        (
            {"assigned_alert_contacts": [{"alert_contact_id": "1", "threshold": -1}]},
            "assigned_alert_contacts[0].threshold",
            ">= 0",
        ),
        ({"assigned_alert_contacts": [{"threshold": 2}]}, "assigned_alert_contacts", "alert_contact_id is required"),
        (
            {"assigned_alert_contacts": [{"alert_contact_id": "1"}, {"alert_contact_id": 1.0}]},
            "assigned_alert_contacts",
            "listed twice",
        ),
        ({"assigned_alert_contacts": "1"}, "assigned_alert_contacts", "must be a list"),
    ],
)
def test_monitor_check_names_the_field(override, field, needle):
    found = failures(MonitorProvider(), {**GOOD, **override})
    assert field in found and needle in found[field], found


def test_monitor_check_normalises():
    result = MonitorProvider().check(
        {},
        {
            **GOOD,
            "type": "http",
            "interval": 60.0,
            "http_method_type": "head",
            "assigned_alert_contacts": [{"alert_contact_id": 20.0, "threshold": 2.0}, {"alert_contact_id": "3"}],
        },
    )
    assert result.failures == []
    assert result.inputs["type"] == "HTTP" and result.inputs["interval"] == 60
    assert result.inputs["timeout"] == 30 and result.inputs["http_method_type"] == "HEAD"
    assert result.inputs["assigned_alert_contacts"] == [
        {"alert_contact_id": "3", "threshold": 0, "recurrence": 0},
        {"alert_contact_id": "20", "threshold": 2, "recurrence": 0},
    ]


def test_monitor_check_defaults_interval_to_300():
    assert MonitorProvider().check({}, GOOD).inputs["interval"] == 300


def test_check_tolerates_preview_unknowns():
    news = {**GOOD, "url": UNKNOWN, "assigned_alert_contacts": [{"alert_contact_id": UNKNOWN, "threshold": 2}]}
    assert MonitorProvider().check({}, news).failures == []
    assert AlertContactProvider().check({}, {"name": "ops", "value": UNKNOWN}).failures == []


@pytest.mark.parametrize(
    ("override", "field", "needle"),
    [
        ({"value": "not-an-email"}, "value", "email address"),
        ({"value": "a@b"}, "value", "email address"),
        ({"type": "sms"}, "type", "email"),
        ({"name": None}, "name", "required"),
    ],
)
def test_contact_check_names_the_field(override, field, needle):
    found = failures(AlertContactProvider(), {"name": "ops", "value": "ops@example.com", **override})
    assert field in found and needle in found[field], found


def test_check_needs_no_api_key_or_network():
    # Preview runs check/diff only: it must work without credentials.
    provider = MonitorProvider()
    inputs = provider.check({}, GOOD).inputs
    assert provider.diff("1", inputs, inputs).changes is False
