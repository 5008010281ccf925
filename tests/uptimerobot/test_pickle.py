"""The provider pickles (as Pulumi stores it) without the key or live clients, and still works."""

from __future__ import annotations

import base64
import json
import os
import pickle
import subprocess
import sys
import textwrap

import dill
import pytest
from pulumi.dynamic.dynamic import serialize_provider

from components.uptimerobot import AlertContactProvider, MonitorProvider
from tests.support.env import ROOT
from tests.support.uptimerobot import CANARY_KEY, configure, monitor_inputs


@pytest.mark.parametrize("cls", [MonitorProvider, AlertContactProvider])
def test_serialized_provider_has_no_key_and_no_client(cls, fake):
    provider = cls()
    configure(provider, fake)
    provider.client()  # a live client exists in this process...
    raw = base64.b64decode(serialize_provider(provider))
    # ...but the pickle is a by-reference class plus empty state.
    assert CANARY_KEY.encode() not in raw
    assert b"UptimeRobotClient" not in raw and b"Lock" not in raw and fake.base_url.encode() not in raw
    assert len(raw) < 200
    assert vars(provider) == {}
    assert cls.serialize_as_secret_always is True


def test_unpickled_provider_works_after_configure(fake):
    original = MonitorProvider()
    configure(original, fake)
    copy = dill.loads(base64.b64decode(serialize_provider(original)))  # noqa: S301 (our own bytes)
    assert type(copy) is MonitorProvider and copy is not original
    configure(copy, fake)  # the plugin process does this after loading
    created = copy.create(monitor_inputs(copy))
    assert list(fake.monitors) == [int(created.id)]


def test_client_refuses_to_be_pickled(fake):
    provider = MonitorProvider()
    configure(provider, fake)
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(provider.client())
    with pytest.raises(TypeError, match="cannot be pickled"):
        dill.dumps(provider.client(), recurse=True)


MOCKS_SCRIPT = textwrap.dedent(
    """
    import json, os, sys
    sys.path.insert(0, sys.argv[1])
    import pulumi
    from pulumi.runtime import rpc

    seen = []

    class Mocks(pulumi.runtime.Mocks):
        def new_resource(self, args):
            seen.append({"typ": args.typ, "name": args.name, "inputs": args.inputs})
            return f"{args.name}-id", args.inputs

        def call(self, args):
            return {}

    pulumi.runtime.set_mocks(Mocks(), project="kk", stack="staging", preview=False)

    from components.uptimerobot import (AlertContact, AlertContactArgs, AssignedAlertContact, Monitor,
                                        MonitorArgs)

    contact = AlertContact("ops", AlertContactArgs(value="ops@example.com"))
    monitor = Monitor("kk-health", MonitorArgs(
        url="https://kk.example.com/healthz",
        assigned_alert_contacts=[AssignedAlertContact(contact.id, threshold=2)]))

    @pulumi.runtime.test
    def check():
        return pulumi.Output.all(monitor.id, monitor.url, contact.id).apply(lambda _: None)

    check()
    out = []
    for r in seen:
        inputs = dict(r["inputs"])
        prov = inputs.pop("__provider")
        out.append({"typ": r["typ"], "name": r["name"], "inputs": inputs,
                    "provider_secret": rpc.is_rpc_secret(prov),
                    "provider": rpc.unwrap_rpc_secret(prov)})
    print(json.dumps(out))
    """
)


def test_resources_register_under_mocks_without_the_key():
    # A separate interpreter: set_mocks is process-global, and the in-process plans (tests/support/plan.py)
    # set this one's.
    env = {**os.environ, "UPTIMEROBOT_API_KEY": CANARY_KEY}
    proc = subprocess.run(
        [sys.executable, "-c", MOCKS_SCRIPT, str(ROOT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert CANARY_KEY not in proc.stdout + proc.stderr
    regs = {r["typ"]: r for r in json.loads(proc.stdout.strip().splitlines()[-1])}
    contact = regs["pulumi-python:dynamic/uptimerobot:AlertContact"]
    monitor = regs["pulumi-python:dynamic/uptimerobot:Monitor"]
    assert contact["inputs"] == {"name": "ops", "type": "email", "value": "ops@example.com", "provider_version": "1"}
    assert monitor["name"] == "kk-health"
    assert monitor["inputs"]["interval"] == 300 and monitor["inputs"]["type"] == "HTTP"
    assert monitor["inputs"]["assigned_alert_contacts"] == [
        {"alert_contact_id": "ops-id", "threshold": 2, "recurrence": 0}
    ]
    assert "status" not in monitor["inputs"]  # output-only names are dropped from inputs
    assert monitor["provider_secret"] and contact["provider_secret"]  # serialize_as_secret_always
    assert CANARY_KEY.encode() not in base64.b64decode(monitor["provider"])


# What `serialize_provider` stored in `__provider` (base64 of these bytes) while both classes
# lived in provider.py: state written then is unpickled from them on every later delete and refresh.
STATE_BEFORE_THE_SPLIT = {
    MonitorProvider: (
        b"\x80\x04\x95=\x00\x00\x00\x00\x00\x00\x00\x8c\x1fcomponents.uptimerobot.provider"
        b"\x94\x8c\x0fMonitorProvider\x94\x93\x94)\x81\x94}\x94b."
    ),
    AlertContactProvider: (
        b"\x80\x04\x95B\x00\x00\x00\x00\x00\x00\x00\x8c\x1fcomponents.uptimerobot.provider"
        b"\x94\x8c\x14AlertContactProvider\x94\x93\x94)\x81\x94}\x94b."
    ),
}


@pytest.mark.parametrize("cls", [MonitorProvider, AlertContactProvider])
def test_providers_pickled_by_earlier_state_still_load(cls, fake):
    old = dill.loads(STATE_BEFORE_THE_SPLIT[cls])  # noqa: S301 (our own bytes)
    assert type(old) is cls
    configure(old, fake)
    assert old.read("404", {}).id is None  # a refresh through the old pickle reaches the API
