"""Alert contacts are account-wide: staging and production list the same people, so a second stack adopts
the first one's contact and never deletes it; listings are read page by page up to a cap; the API URL
(where the key goes) comes from the environment, never from a stack file; a key with a line ending."""

from __future__ import annotations

import pytest
from pulumi.dynamic import ConfigureRequest

from components.saas_http import BadCredentialError, IncompleteListing
from components.uptimerobot import AlertContactProvider, MonitorProvider, UptimeRobotError
from tests.support.uptimerobot import (
    CANARY_KEY,
    assert_no_key,
    configured,
    contact_inputs,
    make_config,
    monitor_inputs,
)


def test_a_contact_another_stack_created_is_adopted_and_left_in_place(fake, fake_time):
    staging = configured(AlertContactProvider, fake, fake_time)
    staging_monitors = configured(MonitorProvider, fake, fake_time)
    production = configured(AlertContactProvider, fake, fake_time)
    ours = staging.create(contact_inputs(staging, "oncall@example.com"))
    monitor = staging_monitors.create(monitor_inputs(staging_monitors, [ours.id]))
    assert ours.outs["adopted"] is False

    theirs = production.create(contact_inputs(production, "OnCall@Example.com"))
    assert theirs.id == ours.id and theirs.outs["adopted"] is True
    assert fake.calls.count(("POST", "/v3/alert-contacts")) == 1
    # Refresh and update keep the record of who created it.
    assert production.read(theirs.id, theirs.outs).outs["adopted"] is True

    production.delete(theirs.id, theirs.outs)  # production's destroy: staging's contact stays, no 400
    assert int(ours.id) in fake.contacts
    assert ("DELETE", f"/v3/alert-contacts/{ours.id}") not in fake.calls

    staging_monitors.delete(monitor.id, monitor.outs)
    staging.delete(ours.id, ours.outs)  # the stack that created it deletes it
    assert fake.contacts == {}


def test_the_stack_that_created_a_contact_leaves_it_while_another_stacks_monitor_uses_it(fake, fake_time, caplog):
    """Issue 29: staging created the contact, production adopted it for its own monitor; staging's teardown
    (its monitor first, then the contact) leaves the contact for production instead of failing on UptimeRobot's
    `400 … assigned to monitors`."""
    staging, staging_monitors = (
        configured(AlertContactProvider, fake, fake_time),
        configured(MonitorProvider, fake, fake_time),
    )
    production, production_monitors = (
        configured(AlertContactProvider, fake, fake_time),
        configured(MonitorProvider, fake, fake_time),
    )
    ours = staging.create(contact_inputs(staging, "oncall@example.com"))
    staging_monitor = staging_monitors.create(monitor_inputs(staging_monitors, [ours.id]))
    theirs = production.create(contact_inputs(production, "oncall@example.com"))
    production_monitors.create(
        monitor_inputs(
            production_monitors,
            [theirs.id],
            name="kk-production-health",
            url="https://kk-production.example.com/api/health",
        )
    )

    staging_monitors.delete(staging_monitor.id, staging_monitor.outs)
    staging.delete(ours.id, ours.outs)  # no error: the teardown goes on
    assert int(ours.id) in fake.contacts
    assert ("DELETE", f"/v3/alert-contacts/{ours.id}") in fake.calls
    assert f"leaving alert contact {ours.id} in place: monitors of another stack still use it" in caplog.text


def test_contact_adoption_reads_every_page_of_the_listing(fake, fake_time, contacts):
    fake.page_size = 1
    for i in range(5):
        contacts.create(contact_inputs(contacts, f"someone-{i}@example.com"))
    existing = contacts.create(contact_inputs(contacts, "ops@example.com"))
    posts = fake.calls.count(("POST", "/v3/alert-contacts"))
    other_stack = configured(AlertContactProvider, fake, fake_time)
    again = other_stack.create(contact_inputs(other_stack))
    assert again.id == existing.id and again.outs["adopted"] is True
    assert fake.calls.count(("POST", "/v3/alert-contacts")) == posts
    assert fake.calls[-6:] == [("GET", "/v3/user/alert-contacts")] * 6  # six pages, the match on the last


def test_a_monitor_listing_past_the_page_cap_fails_clearly_and_creates_nothing(fake, fake_time):
    capped = configured(MonitorProvider, fake, fake_time, maxPages="3")
    fake.page_size = 1
    for i in range(5):
        fake.add_monitor(friendlyName=f"kk-staging-health-{i}", url="https://kk-staging.example.com/healthz")
    with pytest.raises(
        IncompleteListing, match=r"more than 3 pages of monitors.*uptimerobot:maxPages.*nothing was created"
    ):
        capped.create(monitor_inputs(capped))
    assert fake.calls.count(("GET", "/v3/monitors")) == 3 and ("POST", "/v3/monitors") not in fake.calls


def test_the_api_url_never_comes_from_stack_config(fake, monkeypatch):
    monkeypatch.setenv("UPTIMEROBOT_API_KEY", CANARY_KEY)
    provider = MonitorProvider()
    config = make_config(fake, apiUrl="https://collector.example.net/v3")
    with pytest.raises(
        UptimeRobotError, match=r"uptimerobot:apiUrl cannot be set in stack config.*UPTIMEROBOT_API_URL"
    ):
        provider.configure(ConfigureRequest(config))
    provider.configure(ConfigureRequest(make_config(fake, apiUrl="https://api.uptimerobot.com/v3")))  # the pinned host
    assert provider.client().base_url == "https://api.uptimerobot.com/v3"


def test_a_key_saved_with_a_line_ending_works_and_one_broken_inside_is_refused(fake, fake_time):
    crlf = configured(MonitorProvider, fake, fake_time, apiKey=CANARY_KEY + "\r\n")
    crlf.create(monitor_inputs(crlf))
    assert set(fake.seen_auth) == {f"Bearer {CANARY_KEY}"}
    with pytest.raises(BadCredentialError, match="uptimerobot:apiKey holds a control character") as info:
        configured(MonitorProvider, fake, fake_time, apiKey=CANARY_KEY[:8] + "\r" + CANARY_KEY[8:])
    assert_no_key(info.value)
    assert CANARY_KEY[:8] not in str(info.value) and CANARY_KEY[9:] not in str(info.value)
