"""One table per resource: every property reaches the API under its v3 name and reads back the same."""

from __future__ import annotations

import dataclasses

from components.uptimerobot import AlertContact, AlertContactArgs, AlertContactProvider, Monitor, MonitorArgs
from tests.support.uptimerobot import contact_inputs, monitor_inputs

# The v3 shape, written out independently of the tables (official Terraform provider's client).
MONITOR_API = {
    "name": "friendlyName",
    "url": "url",
    "type": "type",
    "interval": "interval",
    "timeout": "timeout",
    "http_method_type": "httpMethodType",
    "follow_redirections": "followRedirections",
    "check_ssl_errors": "checkSSLErrors",
}


def test_every_monitor_property_reaches_the_api_and_reads_back(fake, monitors, contacts):
    contact = contacts.create(contact_inputs(contacts))
    not_defaults = {
        "url": "https://kk-staging.example.com/ready",
        "interval": 600.0,
        "timeout": 10.0,
        "http_method_type": "head",
        "follow_redirections": False,
        "check_ssl_errors": False,
    }
    news = monitor_inputs(monitors, **not_defaults)
    news["assigned_alert_contacts"] = [{"alert_contact_id": contact.id, "threshold": 3, "recurrence": 5}]
    created = monitors.create(news)
    live = fake.monitors[int(created.id)]
    assert {prop: live[api] for prop, api in MONITOR_API.items()} == {prop: news[prop] for prop in MONITOR_API}
    assert live["assignedAlertContacts"] == [{"alertContactId": int(contact.id), "threshold": 3, "recurrence": 5}]
    read = monitors.read(created.id, created.outs)
    assert read.outs == created.outs
    assert monitors.diff(created.id, read.outs, news).changes is False


def test_a_patch_never_carries_a_create_only_property(contacts, monitors):
    # The v3 PATCH cannot change a contact's type or address; a change to either replaces it.
    assert AlertContactProvider.schema.update_body(contact_inputs(contacts)) == {"friendlyName": "ops"}
    assert "type" not in monitors.schema.update_body(monitor_inputs(monitors))


def test_resources_expose_every_property_of_their_table():
    for resource, args, outputs in (
        (Monitor, MonitorArgs, {"status", "dashboard_url"}),
        (AlertContact, AlertContactArgs, {"status", "adopted"}),
    ):
        inputs = {f.name for f in dataclasses.fields(args)}
        assert set(resource.__annotations__) == inputs | outputs, resource
