"""Fixtures for the UptimeRobot provider tests: a live fake API and configured providers
(helpers and the canary key: tests/support/uptimerobot.py)."""

from __future__ import annotations

import pytest

from components.uptimerobot import AlertContactProvider, MonitorProvider
from ops.rehearsal.uptimerobot_fake import FakeUptimeRobot
from tests.support.uptimerobot import CANARY_KEY, FakeTime, configured


@pytest.fixture(autouse=True)
def _no_ambient_credentials(monkeypatch):
    # A developer's real key or URL in the environment must never reach a test.
    for var in (
        "UPTIMEROBOT_API_KEY",
        "UPTIMEROBOT_API_URL",
        "UPTIMEROBOT_RETRY_TIMEOUT",
        "UPTIMEROBOT_REQUEST_TIMEOUT",
        "UPTIMEROBOT_REQUESTS_PER_MINUTE",
        "UPTIMEROBOT_SLACK_WEBHOOK_URL",
    ):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def fake():
    with FakeUptimeRobot(api_key=CANARY_KEY) as api:
        yield api


@pytest.fixture
def fake_time():
    return FakeTime()


@pytest.fixture
def monitors(fake, fake_time):
    return configured(MonitorProvider, fake, fake_time)


@pytest.fixture
def contacts(fake, fake_time):
    return configured(AlertContactProvider, fake, fake_time)
