"""Rate limits, server faults, lost replies and error messages, against the live fake API."""

from __future__ import annotations

import logging
import time

import pytest

from components.saas_http import Limits
from components.uptimerobot import (
    ApiValidationError,
    AuthError,
    MissingApiKeyError,
    MonitorProvider,
    PlanLimitError,
    RetryBudgetExceeded,
    UptimeRobotClient,
    UptimeRobotError,
)
from ops.rehearsal.uptimerobot_fake import FakeUptimeRobot
from tests.support.uptimerobot import (
    CANARY_KEY,
    HEALTH,
    assert_logs_clean,
    assert_no_key,
    configured,
    contact_inputs,
    monitor_inputs,
)


@pytest.fixture(autouse=True)
def _capture(caplog):
    caplog.set_level(logging.DEBUG)
    yield
    assert_logs_clean(caplog)


def test_429_honours_retry_after(fake, monitors, fake_time):
    fake.inject("GET", "/v3/monitors", "429", retry_after="7")
    created = monitors.create(monitor_inputs(monitors))
    assert fake_time.sleeps == [7.0]
    assert len(fake.monitors) == 1 and created.id
    assert fake.calls.count(("GET", "/v3/monitors")) == 2


def test_429_on_create_is_retried_without_duplicates(fake, monitors, fake_time):
    fake.inject("POST", "/v3/monitors", "429", retry_after="3", times=2)
    monitors.create(monitor_inputs(monitors))
    assert fake_time.sleeps == [3.0, 3.0] and len(fake.monitors) == 1


def test_5xx_on_reads_backs_off_exponentially_with_jitter(fake, monitors, fake_time):
    created = monitors.create(monitor_inputs(monitors))
    fake.inject("GET", r"/v3/monitors/\d+", "500", times=3)
    assert monitors.read(created.id, created.outs).id == created.id
    assert len(fake_time.sleeps) == 3
    for attempt, slept in enumerate(fake_time.sleeps):  # equal jitter: [cap/2, cap]
        assert 2**attempt / 2 <= slept <= 2**attempt


def test_persistent_5xx_gives_up_within_budget(fake, fake_time):
    slow = configured(MonitorProvider, fake, fake_time, retryTimeoutSeconds="20")
    fake.inject("GET", r"/v3/monitors/\d+", "500", times=100)
    with pytest.raises(RetryBudgetExceeded, match=r"GET /monitors/5: gave up .* 20s retry budget") as info:
        slow.read("5", {})
    assert sum(fake_time.sleeps) <= 20
    assert "retryTimeoutSeconds" in str(info.value)
    assert_no_key(info.value)


def test_retry_after_longer_than_budget_fails_fast(fake, fake_time):
    slow = configured(MonitorProvider, fake, fake_time, retryTimeoutSeconds="5")
    fake.inject("GET", "/v3/monitors", "429", retry_after="3600")
    with pytest.raises(RetryBudgetExceeded, match="rate limited"):
        slow.create(monitor_inputs(slow))
    assert fake_time.sleeps == [] and fake.monitors == {}


def test_timeout_after_server_committed_create_leaves_one_monitor(fake, monitors, fake_time):
    # The server creates the monitor, then answers too late; the client times out (0.5 s).
    fake.inject("POST", "/v3/monitors", "timeout", commit=True, delay=1.5)
    created = monitors.create(monitor_inputs(monitors))
    assert len(fake.monitors) == 1 and created.id == str(next(iter(fake.monitors)))
    assert fake.calls.count(("POST", "/v3/monitors")) == 1  # looked, found, adopted: no second POST


def test_500_after_committed_contact_create_is_adopted(fake, contacts):
    fake.inject("POST", "/v3/alert-contacts", "500", commit=True)
    created = contacts.create(contact_inputs(contacts))
    assert list(fake.contacts) == [int(created.id)]


def test_uncommitted_500_on_create_is_reposted_once(fake, monitors):
    fake.inject("POST", "/v3/monitors", "500")
    monitors.create(monitor_inputs(monitors))
    assert len(fake.monitors) == 1 and fake.calls.count(("POST", "/v3/monitors")) == 2


def test_malformed_json_after_committed_create_is_adopted(fake, monitors):
    fake.inject("POST", "/v3/monitors", "malformed", commit=True)
    created = monitors.create(monitor_inputs(monitors))
    assert list(fake.monitors) == [int(created.id)]


def test_malformed_json_on_read_is_retried(fake, monitors, fake_time):
    created = monitors.create(monitor_inputs(monitors))
    fake.inject("GET", r"/v3/monitors/\d+", "malformed")
    assert monitors.read(created.id, created.outs).outs["url"] == HEALTH
    assert len(fake_time.sleeps) == 1


def test_bad_key_is_named_clearly_and_never_echoed(fake, fake_time):
    wrong = configured(MonitorProvider, fake, fake_time, apiKey="wrong-" + CANARY_KEY)
    with pytest.raises(
        AuthError,
        match=r"rejected the API key \(401: Invalid token.\).*uptimerobot:apiKey"
        r".*UPTIMEROBOT_API_KEY",
    ) as info:
        wrong.create(monitor_inputs(wrong))
    assert_no_key(info.value)
    assert "wrong-" not in str(info.value)
    assert fake_time.sleeps == [] and fake.monitors == {}


def test_missing_key_names_both_ways_to_set_it(fake, fake_time):
    keyless = configured(MonitorProvider, fake, fake_time, apiKey="")
    with pytest.raises(MissingApiKeyError, match="from a Pulumi ESC environment, or export UPTIMEROBOT_API_KEY="):
        keyless.read("1", {})
    assert fake.calls == []


def test_key_from_environment_when_config_has_none(fake, monkeypatch):
    monkeypatch.setenv("UPTIMEROBOT_API_KEY", CANARY_KEY)
    monkeypatch.setenv("UPTIMEROBOT_API_URL", fake.base_url)
    provider = MonitorProvider()  # no configure(): the environment alone is enough
    assert provider.read("123", {}).id is None
    assert fake.calls == [("GET", "/v3/monitors/123")]


def test_plan_limit_is_explained(fake, monitors):
    fake.max_monitors = 0
    with pytest.raises(PlanLimitError, match=r"refused POST /monitors \(403\).*monitor limit.*plan limit") as info:
        monitors.create(monitor_inputs(monitors))
    assert_no_key(info.value)


def test_api_validation_error_names_our_field(fake, monitors):
    # Bypass check() (which would catch it first) to see the API's own 400 mapped to our field name.
    bad = {**monitor_inputs(monitors), "name": "x"}
    fake.inject("POST", "/v3/monitors", "500")  # irrelevant noise must not hide the 400 later
    body = MonitorProvider.schema.create_body(bad)
    body["friendlyName"] = ""
    client = monitors.client()
    with pytest.raises(ApiValidationError, match=r"field 'name' \(API field 'friendlyName'\)") as info:
        client.request("PATCH", f"/monitors/{fake.add_monitor(friendlyName='a', url=HEALTH)['id']}", body)
    assert info.value.field == "name"
    with pytest.raises(ApiValidationError, match=r"field 'assigned_alert_contacts'.*does not exist"):
        monitors.create(monitor_inputs(monitors, ["999"]))
    assert len(fake.monitors) == 1


def test_class_validator_style_errors_name_the_field(fake, contacts):
    with pytest.raises(ApiValidationError, match=r"field 'value'.*value must be an email"):
        contacts.client().request("POST", "/alert-contacts", {"type": "Email", "value": "nope", "friendlyName": "x"})


def test_fake_rate_limit_is_survived_for_real(fake_time):
    # Real sleeping here (about one second): the fake enforces 3 requests per second.
    with FakeUptimeRobot(api_key=CANARY_KEY, rate_limit=(3, 1.0)) as api:
        provider = configured(MonitorProvider, api, fake_time)
        client = provider.client()
        client.sleep, client.clock = time.sleep, time.monotonic
        start = time.monotonic()
        created = provider.create(monitor_inputs(provider))
        for _ in range(3):
            provider.read(created.id, created.outs)
        assert time.monotonic() - start >= 0.9
        assert len(api.monitors) == 1
        assert any(call for call in api.calls) and len(api.calls) > 5  # some were 429s


def test_client_side_limiter_spaces_requests(fake, fake_time):
    client = UptimeRobotClient(
        CANARY_KEY, fake.base_url, limits=Limits(requests_per_minute=2), sleep=fake_time.sleep, clock=fake_time.clock
    )
    for _ in range(3):
        client.request("GET", "/user/alert-contacts")
    assert fake_time.sleeps == [60.0]


def test_plain_http_api_url_only_on_loopback():
    with pytest.raises(UptimeRobotError, match="must use https"):
        UptimeRobotClient(CANARY_KEY, "http://api.example.com/v3")
    assert "ur-canary" not in repr(UptimeRobotClient(CANARY_KEY, "https://api.example.com/v3"))


def test_key_echoed_by_server_is_redacted(fake, monitors):
    fake.inject("POST", "/v3/monitors", "echo")
    with pytest.raises(ApiValidationError, match=r"Bad header Bearer \*\*\*") as info:
        monitors.create(monitor_inputs(monitors))
    assert_no_key(info.value)
