"""Full lifecycle against the live fake API: create, read, diff, update, delete, drift."""

from __future__ import annotations

import pytest

from components.uptimerobot import PROVIDER_VERSION, MonitorProvider, RetryBudgetExceeded, UptimeRobotError
from tests.support.uptimerobot import (
    HEALTH,
    assert_logs_clean,
    assert_no_key,
    configured,
    contact_inputs,
    monitor_inputs,
)


def test_full_cycle_contact_and_monitor(fake, monitors, contacts, caplog):
    c_in = contact_inputs(contacts)
    contact = contacts.create(c_in)
    assert fake.contacts[int(contact.id)]["value"] == "ops@example.com"

    m_in = monitor_inputs(monitors, [contact.id])
    created = monitors.create(m_in)
    live = fake.monitors[int(created.id)]
    assert live["friendlyName"] == "kk-staging-health" and live["interval"] == 300
    assert live["assignedAlertContacts"] == [{"alertContactId": int(contact.id), "threshold": 2, "recurrence": 0}]
    assert created.outs["dashboard_url"] == f"https://dashboard.uptimerobot.com/monitors/{created.id}"
    assert created.outs["status"] == "NOT_CHECKED"
    assert "apiKey" not in created.outs and "m-monitor-specific-key" not in repr(created.outs)

    read = monitors.read(created.id, created.outs)
    assert read.id == created.id and read.outs == created.outs
    assert monitors.diff(created.id, read.outs, m_in).changes is False

    m_new = monitor_inputs(monitors, [contact.id], interval=600.0)
    diff = monitors.diff(created.id, read.outs, m_new)
    assert diff.changes is True and diff.replaces == []
    updated = monitors.update(created.id, read.outs, m_new)
    assert fake.monitors[int(created.id)]["interval"] == 600 and updated.outs["interval"] == 600

    c_new = contact_inputs(contacts, name="ops-team")
    assert contacts.diff(contact.id, contact.outs, c_new).replaces == []
    contacts.update(contact.id, contact.outs, c_new)
    assert fake.contacts[int(contact.id)]["friendlyName"] == "ops-team"
    assert contacts.read(contact.id, contact.outs).outs["name"] == "ops-team"

    monitors.delete(created.id, updated.outs)
    contacts.delete(contact.id, contact.outs)
    assert fake.monitors == {} and fake.contacts == {}
    assert_no_key(contact.outs, created.outs, read.outs, updated.outs)
    assert_logs_clean(caplog)
    assert all(h == f"Bearer {fake.api_key}" for h in fake.seen_auth)


def test_read_after_external_delete_is_gone(fake, monitors, contacts):
    contact = contacts.create(contact_inputs(contacts))
    created = monitors.create(monitor_inputs(monitors))
    fake.monitors.clear()
    fake.contacts.clear()
    gone = monitors.read(created.id, created.outs)
    assert gone.id is None and gone.outs == {}  # the host needs a dict even when gone
    assert contacts.read(contact.id, contact.outs).id is None


def test_refresh_shows_drift_and_next_diff_repairs_it(fake, monitors):
    m_in = monitor_inputs(monitors)
    created = monitors.create(m_in)
    fake.monitors[int(created.id)]["interval"] = 900  # someone edited it in the dashboard
    refreshed = monitors.read(created.id, created.outs)
    assert refreshed.outs["interval"] == 900
    diff = monitors.diff(created.id, refreshed.outs, m_in)
    assert diff.changes is True and diff.replaces == []


def test_contact_order_does_not_cause_a_diff(fake, monitors, contacts):
    ids = [contacts.create(contact_inputs(contacts, email=f"p{i}@example.com", name=f"p{i}")).id for i in range(3)]
    first = monitor_inputs(monitors, ids)
    created = monitors.create(first)
    permuted = monitor_inputs(monitors, list(reversed(ids)))
    assert monitors.diff(created.id, created.outs, permuted).changes is False
    # The API may also answer in another order: refresh must not invent drift.
    fake.monitors[int(created.id)]["assignedAlertContacts"].reverse()
    refreshed = monitors.read(created.id, created.outs)
    assert monitors.diff(created.id, refreshed.outs, permuted).changes is False


def test_type_change_replaces_and_value_change_replaces_contact(monitors, contacts):
    olds = monitor_inputs(monitors)
    news = {**olds, "type": "KEYWORD"}
    assert monitors.diff("1", olds, news).replaces == ["type"]
    c_olds = contact_inputs(contacts)
    assert contacts.diff("1", c_olds, {**c_olds, "value": "new@example.com"}).replaces == ["value"]


def test_provider_version_bump_forces_an_update(monitors):
    olds = monitor_inputs(monitors)
    diff = monitors.diff("1", olds, {**olds, "provider_version": PROVIDER_VERSION + ".1"})
    assert diff.changes is True and diff.replaces == []


def test_preview_unknowns_are_changes_not_errors(monitors):
    unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    olds = monitor_inputs(monitors, ["42"])
    news = {**olds, "assigned_alert_contacts": [{"alert_contact_id": unknown, "threshold": 2, "recurrence": 0}]}
    assert monitors.check(olds, news).failures == []
    assert monitors.diff("1", olds, news).changes is True


def test_delete_of_missing_objects_succeeds(fake, monitors, contacts):
    created = monitors.create(monitor_inputs(monitors))
    del fake.monitors[int(created.id)]
    monitors.delete(created.id, created.outs)  # 404 = already gone
    contact = contacts.create(contact_inputs(contacts))
    fake.inject("DELETE", r"/v3/alert-contacts/\d+", "404")
    contacts.delete(contact.id, contact.outs)
    assert fake.monitors == {}


def test_update_after_external_delete_explains(fake, monitors):
    created = monitors.create(monitor_inputs(monitors))
    fake.monitors.clear()
    with pytest.raises(UptimeRobotError, match="no longer exists.*pulumi refresh") as info:
        monitors.update(created.id, created.outs, monitor_inputs(monitors, interval=600.0))
    assert_no_key(info.value)


def test_create_adopts_existing_monitor_instead_of_duplicating(fake, monitors):
    # e.g. an earlier `pulumi up` died after the API created the monitor
    orphan = fake.add_monitor(friendlyName="kk-staging-health", url=HEALTH, interval=600)
    for i in range(3):  # and some noise, over several pages
        fake.add_monitor(friendlyName=f"kk-staging-health-{i}", url=HEALTH)
    fake.page_size = 1
    created = monitors.create(monitor_inputs(monitors))
    assert created.id == str(orphan["id"])
    assert fake.monitors[orphan["id"]]["interval"] == 300  # converged to the desired state
    assert len(fake.monitors) == 4


def test_create_adopts_existing_contact_by_email(fake, contacts):
    first = contacts.create(contact_inputs(contacts, email="Ops@Example.com"))
    again = contacts.create(contact_inputs(contacts, email="ops@example.com"))
    assert again.id == first.id and len(fake.contacts) == 1


def engine_apply(provider, id_, olds, news):
    """What the engine does with one resource's diff: nothing, an update in place, or (default
    create-before-delete) the replacement's create followed by the delete of the old id."""
    diff = provider.diff(id_, olds, news)
    if not diff.changes:
        return id_
    if diff.replaces:
        assert diff.delete_before_replace is False
        replacement = provider.create(news)
        provider.delete(id_, olds)
        return replacement.id
    provider.update(id_, olds, news)
    return id_


def test_refresh_of_an_adopted_contact_spelled_differently_keeps_it(fake, contacts):
    # Created by hand as Ops@Example.com, adopted by a program that writes ops@example.com.
    outside = contacts.client().request("POST", "/alert-contacts", {"type": "Email", "value": "Ops@Example.com"})
    news = contact_inputs(contacts, email="ops@example.com")
    adopted = contacts.create(news)
    assert adopted.id == str(outside["id"])
    refreshed = contacts.read(adopted.id, adopted.outs)  # `pulumi refresh`
    assert refreshed.outs["value"] == "ops@example.com"  # the same address, so no drift to show
    assert contacts.diff(adopted.id, refreshed.outs, news).changes is False
    final = engine_apply(contacts, adopted.id, refreshed.outs, news)
    assert final == adopted.id and int(final) in fake.contacts


def test_replacement_never_adopts_the_contact_it_replaces(fake, contacts):
    old = contacts.create(contact_inputs(contacts, email="a@example.com"))
    fake.contacts[int(old.id)]["value"] = "b@example.com"  # edited in the dashboard, no refresh since
    news = contact_inputs(contacts, email="b@example.com")
    final = engine_apply(contacts, old.id, old.outs, news)
    assert final != old.id
    assert list(fake.contacts) == [int(final)]  # the state's id exists: the replacement was created, not adopted
    assert fake.contacts[int(final)]["value"] == "b@example.com"


def test_adoption_reads_every_page(fake, monitors):
    fake.page_size = 1
    for i in range(250):
        fake.add_monitor(friendlyName=f"kk-staging-health-{i}", url=HEALTH)
    orphan = fake.add_monitor(friendlyName="kk-staging-health", url=HEALTH)  # on page 251
    created = monitors.create(monitor_inputs(monitors))
    assert created.id == str(orphan["id"])
    assert fake.calls.count(("POST", "/v3/monitors")) == 0 and len(fake.monitors) == 251


def test_a_listing_that_never_ends_fails_clearly_and_creates_nothing(fake, monitors):
    fake.inject("GET", "/v3/monitors", "body", status=200, payload={"data": [], "nextCursorId": "42"}, times=1000)
    with pytest.raises(UptimeRobotError, match=r"page 2 points back to an earlier page.*nothing was created") as info:
        monitors.create(monitor_inputs(monitors))
    assert fake.monitors == {} and ("POST", "/v3/monitors") not in fake.calls
    assert_no_key(info.value)


def test_a_listing_longer_than_the_budget_fails_clearly(fake, fake_time):
    # One request a minute and 100 s of budget: page 3 would have to wait past it.
    slow = configured(MonitorProvider, fake, fake_time, retryTimeoutSeconds="100", requestsPerMinute="1")
    fake.page_size = 1
    for i in range(5):
        fake.add_monitor(friendlyName=f"kk-staging-health-{i}", url=HEALTH)
    with pytest.raises(
        RetryBudgetExceeded,
        match=r"read 2 page\(s\) of monitors without reaching the last.*"
        r"nothing was created.*requestsPerMinute",
    ):
        slow.create(monitor_inputs(slow))
    assert ("POST", "/v3/monitors") not in fake.calls and fake_time.sleeps == [60.0]
