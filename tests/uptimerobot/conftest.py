"""Fixtures for the UptimeRobot provider tests: a live fake API and configured providers."""

from __future__ import annotations

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from components.uptimerobot import AlertContactProvider, MonitorProvider
from ops.rehearsal.uptimerobot_fake import FakeUptimeRobot

# A recognisable key: tests assert it never shows up in outputs, errors, logs or pickles.
CANARY_KEY = "ur-canary-9f8e7d6c5b4a-SECRET"


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


@pytest.fixture(autouse=True)
def _no_ambient_credentials(monkeypatch):
    # A developer's real key or URL in the environment must never reach a test.
    for var in (
        "UPTIMEROBOT_API_KEY",
        "UPTIMEROBOT_API_URL",
        "UPTIMEROBOT_RETRY_TIMEOUT",
        "UPTIMEROBOT_REQUEST_TIMEOUT",
        "UPTIMEROBOT_REQUESTS_PER_MINUTE",
    ):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def fake():
    with FakeUptimeRobot(api_key=CANARY_KEY) as api:
        yield api


@pytest.fixture
def fake_time():
    return FakeTime()


def make_config(fake: FakeUptimeRobot, **extra: str) -> Config:
    raw = {
        "uptimerobot:apiKey": CANARY_KEY,
        "uptimerobot:apiUrl": fake.base_url,
        "uptimerobot:requestTimeoutSeconds": "0.5",
        "uptimerobot:retryTimeoutSeconds": "60",
        "uptimerobot:requestsPerMinute": "0",
    }
    raw.update({f"uptimerobot:{k}": v for k, v in extra.items()})
    return Config(raw, "kk")


def configured(provider_cls, fake, fake_time, **extra):
    provider = provider_cls()
    provider.configure(ConfigureRequest(make_config(fake, **extra)))
    client = provider.client()
    client.sleep, client.clock = fake_time.sleep, fake_time.clock
    return provider


@pytest.fixture
def monitors(fake, fake_time):
    return configured(MonitorProvider, fake, fake_time)


@pytest.fixture
def contacts(fake, fake_time):
    return configured(AlertContactProvider, fake, fake_time)
