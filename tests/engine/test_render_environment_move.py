"""A service deployed before the Render project existed moves into its environment in place: the real
engine's preview against the stand-ins (whose diff treats the service's `environmentId` as create-only, as
Render's API does) shows the service unchanged and only the project and the move created."""

from __future__ import annotations

from tests.support.engine import state_without, steps_of

# What the program declared before the service had an environment (and its own failure notifications).
ADDED_WITH_THE_ENVIRONMENT = {
    "kitchen-kontrol:index:RenderEnvironment",
    "render:environments:ResourcesToEnvironment",
    "pulumi-python:dynamic/render:NotificationOverride",
}


def test_an_existing_service_moves_into_its_environment_without_a_replacement(staging_rehearsal):
    flags = staging_rehearsal.policy_flags()
    with state_without(staging_rehearsal, ADDED_WITH_THE_ENVIRONMENT):
        before = {r["type"] for r in staging_rehearsal.state_resources()}
        code, output, _ = staging_rehearsal.session.run(["preview", "-s", "staging", "--json", "--show-sames", *flags])
    assert code == 0, output[-2000:]
    assert "render:services:WebService" in before and "render:projects:Project" not in before
    steps = steps_of(output)
    service = [s.op for s in steps if s.type in ("render:services:WebService", "render:services:StaticSite")]
    assert service == ["same", "same"]
    assert not [s for s in steps if s.op in ("replace", "create-replacement", "delete-replaced", "delete")]
    assert sorted((s.op, s.type) for s in steps if s.op not in ("same", "read")) == [
        ("create", "kitchen-kontrol:index:RenderEnvironment"),
        # One each for the API's web service and the frontend's static site.
        ("create", "pulumi-python:dynamic/render:NotificationOverride"),
        ("create", "pulumi-python:dynamic/render:NotificationOverride"),
        ("create", "render:environments:ResourcesToEnvironment"),
        ("create", "render:environments:ResourcesToEnvironment"),
        ("create", "render:projects:Project"),
    ]
    # Put back exactly: the rehearsed stack previews no change again.
    assert staging_rehearsal.session.run(["preview", "-s", "staging", "--expect-no-changes", *flags])[0] == 0
