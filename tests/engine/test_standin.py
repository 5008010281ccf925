"""The stand-in providers refuse to run outside a rehearsal, serve every engine the rehearsal runs, and diff like the
real ones."""

from __future__ import annotations

import subprocess
import sys
from concurrent import futures

import grpc
import pytest
from google.protobuf import empty_pb2
from pulumi.runtime.proto import engine_pb2_grpc, plugin_pb2, provider_pb2, provider_pb2_grpc

from ops.rehearsal.replacements import create_only
from tests.support.env import ROOT


def test_a_standin_outside_the_rehearsal_refuses_to_start():
    done = subprocess.run(
        [sys.executable, "-m", "ops.rehearsal.standin", "aws"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 2
    assert "only inside `python -m ops rehearse`" in done.stderr
    assert done.stdout == ""  # no port: the engine would not connect


def test_create_only_properties_are_listed_for_the_stateful_resources():
    assert "identifier" in create_only("aws:rds/instance:Instance")
    assert "ownerId" in create_only("render:services:WebService")
    assert "envVarKey" in create_only("render:services:EnvVar")
    assert "value" not in create_only("render:services:EnvVar")
    assert create_only("aws:unknown/type:Type") == frozenset()


def test_the_service_given_an_environment_of_its_own_is_replaced_and_a_moved_one_is_not():
    from pulumi.runtime.proto import provider_pb2

    from ops.rehearsal.standin import StandInProvider, to_struct

    urn = "urn:pulumi:staging::kitchen-kontrol::kitchen-kontrol:index:RenderWebService$render:services:WebService::web"
    old = {"name": "kitchen-kontrol-staging", "ownerId": "tea-1"}
    provider = StandInProvider("render", None)

    def diff(news: dict) -> provider_pb2.DiffResponse:
        olds = to_struct(old)
        return provider.Diff(provider_pb2.DiffRequest(urn=urn, olds=olds, old_inputs=olds, news=to_struct(news)), None)

    # Render's PATCH /services/{id} cannot set environmentId: pulumi-render would re-create the service.
    assert list(diff({**old, "environmentId": "evm-1"}).replaces) == ["environmentId"]
    # Moved by ResourcesToEnvironment, the service's own inputs do not change.
    assert diff(dict(old)).changes == provider_pb2.DiffResponse.DIFF_NONE


def test_the_aws_stand_in_restores_into_a_new_instance_from_one_source_only():
    from pulumi.runtime.proto import provider_pb2

    from ops.rehearsal.standin import StandInProvider, to_python, to_struct

    provider = StandInProvider("aws", None)
    urn = "urn:pulumi:staging::kitchen-kontrol::kitchen-kontrol:index:PostgresDatabase$aws:rds/instance:Instance::i"
    point = {"sourceDbInstanceIdentifier": "kk-staging", "useLatestRestorableTime": True}
    restored = {"identifier": "kk-staging-pitr-0123abcd", "restoreToPointInTime": point, "allocatedStorage": 20}

    def failures(inputs: dict) -> dict[str, str]:
        check = provider.Check(provider_pb2.CheckRequest(urn=urn, news=to_struct(inputs)), None)
        return {failure.property: failure.reason for failure in check.failures}

    assert failures(restored) == {}
    assert (
        "conflicts with restoreToPointInTime"
        in failures({**restored, "snapshotIdentifier": "snap"})["snapshotIdentifier"]
    )
    assert failures({**restored, "restoreToPointInTime": {"useLatestRestorableTime": True}}) == {
        "restoreToPointInTime": "names no source instance"
    }
    both_times = {**point, "restoreTime": "2026-12-06T11:00:00Z"}
    assert "conflicts" in failures({**restored, "restoreToPointInTime": both_times})["restoreToPointInTime"]
    created = to_python(
        provider.Create(provider_pb2.CreateRequest(urn=urn, properties=to_struct(restored)), None).properties
    )
    assert created["address"] == "kk-staging-pitr-0123abcd.placeholder.rds.amazonaws.com"
    assert (created["engine"], created["allocatedStorage"], created["storageEncrypted"]) == ("postgres", 20, True)
    # Where the instance comes from is fixed at its creation: another restore is another instance.
    olds = to_struct(restored)
    other = {**restored, "restoreToPointInTime": {**point, "sourceDbInstanceIdentifier": "kk-other"}}
    diff = provider.Diff(provider_pb2.DiffRequest(urn=urn, olds=olds, old_inputs=olds, news=to_struct(other)), None)
    assert list(diff.replaces) == ["restoreToPointInTime"]


def test_the_aws_stand_in_takes_a_manual_snapshot_named_as_declared():
    from pulumi.runtime.proto import provider_pb2

    from ops.rehearsal.standin import StandInProvider, to_python, to_struct

    urn = "urn:pulumi:staging::kitchen-kontrol::kitchen-kontrol:index:PostgresDatabase$aws:rds/snapshot:Snapshot::s"
    inputs = {"dbInstanceIdentifier": "kk-staging", "dbSnapshotIdentifier": "kk-staging-pre-release"}
    created = StandInProvider("aws", None).Create(
        provider_pb2.CreateRequest(urn=urn, properties=to_struct(inputs)), None
    )
    outputs = to_python(created.properties)
    assert created.id == "kk-staging-pre-release"
    assert (outputs["snapshotType"], outputs["status"], outputs["encrypted"]) == ("manual", "available", True)
    assert outputs["dbSnapshotArn"].endswith(":snapshot:kk-staging-pre-release")


class EngineLog(engine_pb2_grpc.EngineServicer):
    """An engine's log service on loopback: what a provider logs to it."""

    def __init__(self):
        self.messages: list[str] = []
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
        engine_pb2_grpc.add_EngineServicer_to_server(self, self.server)
        self.address = f"127.0.0.1:{self.server.add_insecure_port('127.0.0.1:0')}"
        self.server.start()

    def Log(self, request, context):
        self.messages.append(request.message)
        return empty_pb2.Empty()


def test_a_served_stand_in_declines_the_handshake_without_logging_an_error(caplog):
    # The engine handshakes first and, told UNIMPLEMENTED, negotiates through Configure as with any older provider;
    # the rehearsal's own output stays clean (gRPC logs an error for a method that raises).
    from ops.rehearsal.standin import attach_ports

    with grpc.insecure_channel(f"127.0.0.1:{attach_ports()['random']}") as channel:
        with pytest.raises(grpc.RpcError) as declined:
            provider_pb2_grpc.ResourceProviderStub(channel).Handshake(provider_pb2.ProviderHandshakeRequest())
    assert declined.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert [r for r in caplog.records if r.levelname == "ERROR"] == []


def test_each_engine_attached_to_a_served_stand_in_hears_once_that_no_cloud_is_called():
    # Every CLI the rehearsal runs attaches to the stand-ins its process serves (PULUMI_DEBUG_PROVIDERS): each engine,
    # two at once here, hears the banner once on its own connection, however often it configures the provider.
    from ops.rehearsal.standin import attach_ports, attach_variable

    port = attach_ports()["aws"]
    assert f"aws:{port}" in attach_variable()["PULUMI_DEBUG_PROVIDERS"].split(",")
    engines = [EngineLog(), EngineLog()]
    # A connection each, as two CLI processes have (a process's channels would share one otherwise).
    own = [("grpc.use_local_subchannel_pool", 1)]
    channels = [grpc.insecure_channel(f"127.0.0.1:{port}", options=own) for _ in engines]
    try:
        stubs = [provider_pb2_grpc.ResourceProviderStub(channel) for channel in channels]
        for stub, engine in zip(stubs, engines, strict=True):
            stub.Attach(plugin_pb2.PluginAttach(address=engine.address))
        for stub in [*stubs, *stubs]:
            assert stub.Configure(provider_pb2.ConfigureRequest()).acceptSecrets
    finally:
        for channel in channels:
            channel.close()
        for engine in engines:
            engine.server.stop(None)
    banner = [m for m in engines[0].messages if m.startswith("stand-in provider for aws ")]
    assert banner and banner[0].endswith("no cloud is called; values are placeholders")
    assert [engine.messages for engine in engines] == [banner, banner]
