"""Drive the providers through Pulumi's real dynamic-provider plugin process over gRPC.

This is the path `pulumi up` takes (no CLI needed): the engine starts
`python -m pulumi.dynamic`, sends Configure (whole stack config, secrets
unwrapped), then Check/Create/Read/Diff/Delete with the base64 dill-pickled
provider in `__provider`; the plugin unpickles it by reference (so
`components.uptimerobot` must be importable from the project directory) and calls
our configure().
"""

from __future__ import annotations

import asyncio
import base64
import os
import subprocess
import sys

import grpc
import pytest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import proto, rpc
from pulumi.runtime.proto import provider_pb2_grpc

from components.uptimerobot import AlertContactProvider, MonitorProvider
from tests.support.env import ROOT
from tests.support.uptimerobot import CANARY_KEY


def struct(values):
    return asyncio.new_event_loop().run_until_complete(rpc.serialize_properties(values, {}))


@pytest.fixture
def plugin(fake):
    env = {k: v for k, v in os.environ.items() if not k.startswith("UPTIMEROBOT_")}
    env["PULUMI_PROJECT"] = "kk"
    env["UPTIMEROBOT_API_URL"] = fake.base_url  # environment only: config may not name another host
    proc = subprocess.Popen(
        [sys.executable, "-m", "pulumi.dynamic"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        port = int(proc.stdout.readline())
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        yield provider_pb2_grpc.ResourceProviderStub(channel)
        channel.close()
    finally:
        proc.kill()  # only the plugin process this fixture started
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()


def configure(stub, fake, key=CANARY_KEY):
    cfg = {
        "uptimerobot:apiKey": key,
        "uptimerobot:requestsPerMinute": "0",
        "uptimerobot:retryTimeoutSeconds": "5",
        "kk:unrelated": "x",
    }
    stub.Configure(proto.ConfigureRequest(args=struct(cfg), acceptSecrets=True))


def test_lifecycle_through_the_plugin_process(plugin, fake):
    stub = plugin
    configure(stub, fake)
    provider = serialize_provider(MonitorProvider())
    assert CANARY_KEY.encode() not in base64.b64decode(provider)
    news = {
        "__provider": provider,
        "name": "kk-health",
        "type": "HTTP",
        "url": "https://kk.example.com/healthz",
        "interval": 300,
        "assigned_alert_contacts": [],
    }
    checked = stub.Check(proto.CheckRequest(urn="urn:a", olds=struct({}), news=struct(news)))
    assert list(checked.failures) == []
    created = stub.Create(proto.CreateRequest(urn="urn:a", properties=checked.inputs))
    outs = rpc.deserialize_properties(created.properties)
    assert outs["status"] == "NOT_CHECKED" and outs["dashboard_url"].endswith("/" + created.id)
    assert CANARY_KEY not in repr(outs)
    read = stub.Read(proto.ReadRequest(id=created.id, urn="urn:a", properties=created.properties))
    diff = stub.Diff(proto.DiffRequest(id=created.id, urn="urn:a", olds=read.properties, news=checked.inputs))
    assert diff.changes == proto.DiffResponse.DIFF_NONE
    fake.monitors.clear()
    gone = stub.Read(proto.ReadRequest(id=created.id, urn="urn:a", properties=created.properties))
    assert gone.id == ""  # refresh drops it from state
    stub.Delete(proto.DeleteRequest(id=created.id, urn="urn:a", properties=created.properties))
    bad = stub.Check(proto.CheckRequest(urn="urn:a", olds=struct({}), news=struct({**news, "url": "ftp://x"})))
    assert [(f.property, f.reason) for f in bad.failures] == [
        ("url", "url must be an absolute http:// or https:// URL, got 'ftp://x'")
    ]
    assert [method for method, _ in fake.calls] == ["GET", "POST", "GET", "GET", "DELETE"]


def test_bad_key_error_through_the_plugin_is_clear_and_clean(plugin, fake):
    stub = plugin
    configure(stub, fake, key="wrong-" + CANARY_KEY)
    news = {
        "__provider": serialize_provider(AlertContactProvider()),
        "name": "ops",
        "type": "email",
        "value": "ops@example.com",
    }
    with pytest.raises(grpc.RpcError) as info:
        stub.Create(proto.CreateRequest(urn="urn:b", properties=struct(news)))
    details = info.value.details()
    assert "UptimeRobot rejected the API key (401" in details and "uptimerobot:apiKey" in details
    assert CANARY_KEY not in details
    assert fake.contacts == {}


def test_replacement_through_the_plugin_never_adopts_its_predecessor(plugin, fake):
    # Diff, Create and Delete arrive as separate RPCs; the plugin keeps one provider per
    # pickled provider, so what Diff learned about the replaced id reaches Create.
    stub = plugin
    configure(stub, fake)
    provider = serialize_provider(AlertContactProvider())
    old_news = {"__provider": provider, "name": "ops", "type": "email", "value": "a@example.com"}
    checked = stub.Check(proto.CheckRequest(urn="urn:c", olds=struct({}), news=struct(old_news)))
    created = stub.Create(proto.CreateRequest(urn="urn:c", properties=checked.inputs))
    fake.contacts[int(created.id)]["value"] = "b@example.com"  # edited in the dashboard
    news = stub.Check(
        proto.CheckRequest(urn="urn:c", olds=checked.inputs, news=struct({**old_news, "value": "b@example.com"}))
    ).inputs
    diff = stub.Diff(proto.DiffRequest(id=created.id, urn="urn:c", olds=created.properties, news=news))
    assert list(diff.replaces) == ["value"] and not diff.deleteBeforeReplace
    replacement = stub.Create(proto.CreateRequest(urn="urn:c", properties=news))
    stub.Delete(proto.DeleteRequest(id=created.id, urn="urn:c", properties=created.properties))
    assert replacement.id != created.id
    assert list(fake.contacts) == [int(replacement.id)]
