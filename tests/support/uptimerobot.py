"""The UptimeRobot provider tests' helpers: the canary key, an injectable clock, configured
providers against the local fake API, checked inputs, and the assertions that the key never leaks."""

from __future__ import annotations

import os
import traceback
from unittest import mock

from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from ops.rehearsal.uptimerobot_fake import FakeUptimeRobot

# A recognisable key: tests assert it never shows up in outputs, errors, logs or pickles.
CANARY_KEY = "ur-canary-9f8e7d6c5b4a-SECRET"
HEALTH = "https://kk-staging.example.com/healthz"


class FakeTime:
    """Injectable clock + sleep: retries run instantly but budgets still count."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def make_config(fake: FakeUptimeRobot, **extra: str) -> Config:
    raw = {
        "uptimerobot:apiKey": CANARY_KEY,
        "uptimerobot:requestTimeoutSeconds": "0.5",
        "uptimerobot:retryTimeoutSeconds": "60",
        "uptimerobot:requestsPerMinute": "0",
    }
    raw.update({f"uptimerobot:{k}": v for k, v in extra.items()})
    return Config(raw, "kk")


def configure(provider, fake: FakeUptimeRobot, **extra: str) -> None:
    """Configure `provider` as the plugin does: the API URL from the environment (never from config)."""
    with mock.patch.dict(os.environ, {"UPTIMEROBOT_API_URL": fake.base_url}):
        provider.configure(ConfigureRequest(make_config(fake, **extra)))


def configured(provider_cls, fake, fake_time, **extra):
    provider = provider_cls()
    configure(provider, fake, **extra)
    client = provider.client()
    client.sleep, client.clock = fake_time.sleep, fake_time.clock
    return provider


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
