"""The HTTP stack against a hostile API: trickling answers, redirects off the API, keys echoed at any offset."""

from __future__ import annotations

import logging

import pytest

from components.uptimerobot import (
    ApiValidationError,
    MonitorProvider,
    RetryBudgetExceeded,
    UptimeRobotError,
)
from components.uptimerobot.client import MAX_DETAIL
from ops.rehearsal.uptimerobot_fake import FakeUptimeRobot
from tests.support.uptimerobot import CANARY_KEY, assert_logs_clean, assert_no_key, configured, monitor_inputs

FRAGMENT = 6  # no run of this many characters of the key may survive anywhere


def key_fragments(text: str) -> list[str]:
    return [
        CANARY_KEY[i : i + FRAGMENT]
        for i in range(len(CANARY_KEY) - FRAGMENT + 1)
        if CANARY_KEY[i : i + FRAGMENT] in text
    ]


@pytest.fixture(autouse=True)
def _capture(caplog):
    caplog.set_level(logging.DEBUG)
    yield
    assert_logs_clean(caplog)


# --- one total deadline per attempt -----------------------------------------------------


@pytest.mark.parametrize("kind", ["trickle-headers", "trickle-body"])
def test_trickling_answer_is_cut_at_the_request_timeout_and_retried(fake, monitors, fake_time, kind):
    # Every byte arrives well within the 0.5 s request timeout; the whole answer would take seconds.
    created = monitors.create(monitor_inputs(monitors))
    fake.inject("GET", r"/v3/monitors/\d+", kind, commit=True, delay=0.03)
    assert monitors.read(created.id, created.outs).id == created.id
    assert len(fake_time.sleeps) == 1  # the slow attempt was abandoned, the second one answered
    assert fake.calls.count(("GET", f"/v3/monitors/{created.id}")) == 2


def test_an_attempt_never_outlives_the_retry_budget(fake, fake_time):
    # A 5 s request timeout, but only 0.3 s of budget: the attempt is cut at the budget.
    provider = configured(MonitorProvider, fake, fake_time, requestTimeoutSeconds="5", retryTimeoutSeconds="0.3")
    created = provider.create(monitor_inputs(provider))
    fake.inject("GET", r"/v3/monitors/\d+", "trickle-body", commit=True, delay=0.05)
    with pytest.raises(RetryBudgetExceeded, match=r"0.3s retry budget.*no complete answer within 0.3s") as info:
        provider.read(created.id, created.outs)
    assert_no_key(info.value)


def test_trickled_create_is_ambiguous_and_adopted_not_duplicated(fake, monitors):
    fake.inject("POST", "/v3/monitors", "trickle-body", commit=True, delay=0.03)
    created = monitors.create(monitor_inputs(monitors))
    assert list(fake.monitors) == [int(created.id)]
    assert fake.calls.count(("POST", "/v3/monitors")) == 1


# --- redirects ---------------------------------------------------------------------------


def test_redirect_to_another_origin_is_refused_and_the_key_stays_home(fake, monitors):
    with FakeUptimeRobot(api_key=CANARY_KEY) as other:
        fake.inject("GET", r"/v3/monitors/\d+", "redirect", status=302, location=f"{other.base_url}/monitors/5")
        with pytest.raises(
            UptimeRobotError, match=r"redirected \(302\) to http://127\.0\.0\.1:\d+.*UPTIMEROBOT_API_URL"
        ) as info:
            monitors.read("5", {})
        assert other.calls == [] and other.seen_auth == []
    assert_no_key(info.value)


def test_redirect_of_a_write_to_another_origin_is_refused(fake, monitors):
    with FakeUptimeRobot(api_key=CANARY_KEY) as other:
        fake.inject("POST", "/v3/monitors", "redirect", status=307, location=f"{other.base_url}/monitors")
        with pytest.raises(UptimeRobotError, match=r"redirected \(307\)"):
            monitors.create(monitor_inputs(monitors))
        assert other.calls == [] and fake.monitors == {} and other.monitors == {}


def test_same_origin_redirect_keeping_the_method_is_followed(fake, monitors):
    created = monitors.create(monitor_inputs(monitors))
    path = f"/v3/monitors/{created.id}"
    fake.inject("PATCH", path, "redirect", status=307, location=path)  # relative, same origin
    monitors.update(created.id, created.outs, monitor_inputs(monitors, interval=600.0))
    assert fake.monitors[int(created.id)]["interval"] == 600
    assert fake.calls.count(("PATCH", path)) == 2


def test_same_origin_redirect_that_would_change_the_method_is_refused(fake, monitors):
    created = monitors.create(monitor_inputs(monitors))
    fake.inject("PATCH", r"/v3/monitors/\d+", "redirect", status=302, location=f"{fake.base_url}/monitors")
    with pytest.raises(UptimeRobotError, match="would turn PATCH into GET"):
        monitors.update(created.id, created.outs, monitor_inputs(monitors, interval=600.0))
    assert fake.monitors[int(created.id)]["interval"] == 300


# --- redact first, then cut ------------------------------------------------------------


def _shapes(offset: int) -> dict[str, object]:
    text = "." * offset + CANARY_KEY + "." * 40
    return {
        "message": {"message": text},
        "message list": {"message": [text, "second"]},
        "field": {"message": "bad", "field": text},
        "not an object": [text],
    }


@pytest.mark.parametrize("shape", list(_shapes(0)))
def test_key_at_every_offset_around_the_cut_never_survives(fake, monitors, shape):
    client = monitors.client()
    for offset in range(MAX_DETAIL - len(CANARY_KEY) - 3, MAX_DETAIL + 3):
        fake.inject("GET", "/v3/monitors/1", "body", status=400, payload=_shapes(offset)[shape])
        with pytest.raises(ApiValidationError) as info:
            client.request("GET", "/monitors/1")
        assert key_fragments(str(info.value)) == [], (offset, str(info.value))
        assert_no_key(info.value)
        assert len(str(info.value)) < 2 * MAX_DETAIL + 200  # still cut to length


def test_key_echoed_in_a_response_header_stays_out_of_debug_logs(fake, monitors, caplog):
    fake.inject("GET", "/v3/monitors/1", "echo-header")
    with pytest.raises(ApiValidationError):
        monitors.client().request("GET", "/monitors/1")
    assert all(key_fragments(record.getMessage()) == [] for record in caplog.records)
