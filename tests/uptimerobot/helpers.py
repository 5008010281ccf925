"""Shared assertions for the UptimeRobot tests."""

from __future__ import annotations

import traceback

from .conftest import CANARY_KEY

HEALTH = "https://kk-staging.example.com/healthz"


def assert_no_key(*things: object) -> None:
    """The canary API key must not appear in any value, repr, exception or traceback."""
    for thing in things:
        texts = [repr(thing), str(thing)]
        if isinstance(thing, BaseException):
            texts.append("".join(traceback.format_exception(thing)))
        for text in texts:
            assert CANARY_KEY not in text, f"API key leaked into {type(thing).__name__}"


def assert_logs_clean(caplog) -> None:
    for record in caplog.records:
        assert CANARY_KEY not in record.getMessage()
        assert CANARY_KEY not in repr(record.args)


def monitor_inputs(provider, contact_ids=(), **overrides):
    news = {
        "name": "kk-staging-health",
        "type": "HTTP",
        "url": HEALTH,
        "interval": 300.0,  # the engine delivers numbers as floats
        "assigned_alert_contacts": [
            {"alert_contact_id": cid, "threshold": 2.0, "recurrence": 0.0} for cid in contact_ids
        ],
        **overrides,
    }
    result = provider.check({}, news)
    assert result.failures == [], [(f.property, f.reason) for f in result.failures]
    return result.inputs


def contact_inputs(provider, email="ops@example.com", **overrides):
    result = provider.check({}, {"name": "ops", "type": "email", "value": email, **overrides})
    assert result.failures == [], [(f.property, f.reason) for f in result.failures]
    return result.inputs
