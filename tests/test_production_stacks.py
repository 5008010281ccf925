"""A production stack is recognised by its values (`appNodeEnv: production`) whatever its name, and
every resource it declares is `protect`ed by a stack transform, so no destroy deletes anything."""

from __future__ import annotations

import pulumi
import pytest

from ops.program.mocks import PlanMocks
from ops.program.result import PlanRefused
from ops.program.runner import run_plan
from stacks.protection import protect_every_resource
from tests.support.plan import CANARY_SECRET


class TransformRecordingMocks(PlanMocks):
    """The SDK's mock monitor registers stack transforms without running them: keep them to inspect."""

    def __init__(self, **kwargs):
        super().__init__(secret_source=lambda length, specials: CANARY_SECRET, **kwargs)
        self.transforms: list = []

    def register_transform(self, transform) -> None:
        self.transforms.append(transform)


def planned(project_dir, stack: str, *, preview: bool = True, **overrides) -> TransformRecordingMocks:
    mocks = TransformRecordingMocks(preview=preview)
    run_plan(project_dir.write_stack(stack, **overrides), preview=preview, root=project_dir, mocks=mocks)
    return mocks


@pytest.mark.parametrize("stack", ["live", "prd", "production2"])
def test_production_values_under_another_name_are_refused_an_update(project_dir, stack):
    with pytest.raises(PlanRefused, match=f"stop-before-production: refusing to update production stack '{stack}'"):
        planned(project_dir, stack, preview=False, appNodeEnv="production")


@pytest.mark.parametrize("stack", ["live", "prd", "production2", "production"])
def test_every_production_stack_protects_every_resource(project_dir, stack):
    assert planned(project_dir, stack, appNodeEnv="production").transforms == [protect_every_resource]


def test_a_staging_stack_is_not_protected_wholesale(project_dir):
    assert planned(project_dir, "live", appNodeEnv="staging").transforms == []


def test_the_offline_plan_runs_the_stack_transform_as_the_engine_does(project_dir):
    """Issue 29: `ops plan production --json` showed `protect: false` on 43 of 46 custom resources: the SDK's
    mocks record the stack transform and never run it. The engine's answer: every declared resource protected
    (tests/engine/test_rehearsal.py holds the two to the same set)."""
    from ops.plan.document import document

    for stack, node_env in (("production", "production"), ("live", "production")):
        resources = document(run_plan(project_dir.write_stack(stack, appNodeEnv=node_env), root=project_dir))
        declared = [r for r in resources["resources"] if r["type"] != "pulumi:pulumi:Stack"]
        assert len(declared) > 40
        assert [r["urn"] for r in declared if not r["protect"]] == []
    staging = document(run_plan(project_dir.write_stack("staging"), root=project_dir))["resources"]
    # staging: only what its components protect themselves (database, API service, frontend, Render project)
    assert sorted(r["type"] for r in staging if r["protect"]) == [
        "aws:rds/instance:Instance",
        "render:projects:Project",
        "render:services:StaticSite",
        "render:services:WebService",
    ]


@pytest.mark.parametrize("own", [None, False, True])
def test_the_transform_protects_whatever_the_resource_asked(own):
    args = pulumi.ResourceTransformArgs(
        custom=True,
        type_="aws:sns/topic:Topic",
        name="alarms",
        props={"name": "kk"},
        opts=pulumi.ResourceOptions(protect=own, ignore_changes=["tags"]),
    )
    result = protect_every_resource(args)
    assert result.opts.protect is True
    assert result.opts.ignore_changes == ["tags"] and result.props == {"name": "kk"}
