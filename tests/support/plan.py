"""The offline plan as the tests run it: a throwaway project, a canary for every generated secret,
the stack values that make an update possible, and lookups in the result."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from tests.support.env import ROOT

# Canaries: values that must never show up in any output; letters and digits so that
# percent-encoding cannot disguise them.
CANARY_SECRET = "CANARYsecret7f3a9c2e"
REACHABLE_CIDRS = ["44.226.145.213/32", "54.187.200.255/32"]
# Real-looking people (not at reserved example domains, which refuse an update).
# `kitchen-kontrol:slackAlerts` of a stack that posts to Slack (ids in Slack's formats, not a real workspace).
SLACK_ALERTS = {
    "channel": "#alerts",
    "channelId": "C0123456789",
    "workspaceId": "T0123456789",
    "sentryIntegrationId": "123456",
}
ONCALL = ["primary: Ana Lima <ana@kitchen-kontrol.dev>", "backup: Bo Chen <bo@kitchen-kontrol.dev>"]
# The committed policy config of staging (a file, as `--policy-pack-config` takes it).
STAGING_POLICY_CONFIG_FILE = ROOT / "policies" / "config.staging.json"


class ProjectDir(type(Path())):
    """A project directory that can also write stack files (see `make_project`)."""

    write_stack = None


def make_project(directory: Path, staging_config: dict) -> ProjectDir:
    """A throwaway copy of the project's entry files; `write_stack(name, **overrides)` adds a stack file
    derived from staging (an override of None removes the key)."""
    shutil.copy(ROOT / "Pulumi.yaml", directory / "Pulumi.yaml")
    shutil.copy(ROOT / "__main__.py", directory / "__main__.py")

    def write_stack(name: str = "teststack", **overrides) -> str:
        config = {
            **staging_config,
            "kitchen-kontrol:dbAllowedCidrs": REACHABLE_CIDRS,
            "kitchen-kontrol:oncallContacts": ONCALL,
        }
        for key, value in overrides.items():
            full_key = key if ":" in key else f"kitchen-kontrol:{key}"
            if value is None:
                config.pop(full_key, None)
            else:
                config[full_key] = value
        (directory / f"Pulumi.{name}.yaml").write_text(yaml.safe_dump({"config": config}))
        return name

    project = ProjectDir(directory)
    project.write_stack = write_stack
    return project


def run_canary_plan(stack: str = "staging", *, preview: bool = True, root: Path = ROOT, policies=False):
    """The offline plan in-process; the canary stands in for every generated secret."""
    from ops.program.mocks import PlanMocks
    from ops.program.runner import run_plan

    mocks = PlanMocks(preview=preview, secret_source=lambda length, specials: CANARY_SECRET)
    result = run_plan(stack, preview=preview, root=root, mocks=mocks, policies=policies)
    result.mocks = mocks
    return result


def plan_document(stack: str, *, root: Path, preview: bool = True, policies=False) -> dict:
    """The plan document (what `--json` prints) of an in-process canary plan."""
    from ops.plan.document import document

    return document(run_canary_plan(stack, preview=preview, root=root, policies=policies))


def resources_of(result, type_: str) -> list:
    return [r for r in result.resources if r.type == type_]


def only_named(result, type_: str, suffix: str):
    """The one resource of a type whose name ends with `suffix` (the API's `-web-…` or the frontend's `-frontend-…`,
    `-health` or `-frontend` monitor)."""
    found = [r for r in resources_of(result, type_) if r.name.endswith(suffix)]
    assert len(found) == 1, f"expected one {type_} named *{suffix}, found {len(found)}"
    return found[0]


def only(result, type_: str):
    found = resources_of(result, type_)
    assert len(found) == 1, f"expected one {type_}, found {len(found)}"
    return found[0]
