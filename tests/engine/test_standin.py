"""The stand-in providers refuse to run outside a rehearsal, and diff like the real ones."""

from __future__ import annotations

import subprocess
import sys

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
