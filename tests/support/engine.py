"""Engine previews of a rehearsed stack with its config changed for one look, fresh stacks beside it, and
state edited for one look."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from ops.rehearsal.lifecycle import Rehearsal


@dataclass(frozen=True)
class Step:
    op: str  # same, create, update, replace, delete, ...
    type: str  # the resource's own type, without its parents'
    name: str


def steps_of(preview_json: str) -> list[Step]:
    return [
        Step(op=step["op"], type=step["urn"].split("::")[2].split("$")[-1], name=step["urn"].rsplit("::", 1)[-1])
        for step in json.loads(preview_json)["steps"]
    ]


@contextmanager
def config_changed(rehearsal: Rehearsal, key: str, value: str) -> Iterator[None]:
    """The rehearsal's stack with `key` set to `value`; the stack file is put back after."""
    with config_commands(rehearsal, ["set", key, value]):
        yield


@contextmanager
def config_commands(rehearsal: Rehearsal, *commands: list[str]) -> Iterator[None]:
    """The rehearsal's stack after `pulumi config COMMAND… -s STACK` (set --path, rm, …); the stack file is put
    back after."""
    stack_file = rehearsal.project / f"Pulumi.{rehearsal.stack}.yaml"
    saved = stack_file.read_text()
    try:
        for command in commands:
            code, output, _ = rehearsal.session.run(["config", *command, "-s", rehearsal.stack])
            assert code == 0, output[-2000:]
        yield
    finally:
        stack_file.write_text(saved)


def preview_output(rehearsal: Rehearsal, key: str, value: str, *flags: str) -> str:
    """What `pulumi preview` prints for the rehearsal's stack with `key` set to `value`."""
    with config_changed(rehearsal, key, value):
        code, output, _ = rehearsal.session.run(["preview", "-s", rehearsal.stack, *flags])
    assert code == 0, output[-2000:]
    return output


def preview_with(rehearsal: Rehearsal, key: str, value: str, *flags: str) -> list[Step]:
    """The engine's preview steps of the rehearsal's stack with `key` set to `value`."""
    return steps_of(preview_output(rehearsal, key, value, "--json", *flags))


def fresh_stack(rehearsal: Rehearsal, name: str, session: Any = None) -> SimpleNamespace:
    """A new, empty stack `name` in the rehearsal's project and backend with the rehearsed stack's config
    (rehearsal values included), for a look that must not change the session's rehearsed stack."""
    session = session or rehearsal.session
    project = rehearsal.project
    assert session.run(["stack", "init", name, "--secrets-provider", "passphrase"])[0] == 0
    stack_file = project / f"Pulumi.{name}.yaml"
    salt = stack_file.read_text()  # the passphrase provider's encryptionsalt, then the rehearsed stack's config
    config = (project / f"Pulumi.{rehearsal.stack}.yaml").read_text().splitlines(keepends=True)
    stack_file.write_text(salt + "".join(line for line in config if not line.startswith("encryptionsalt:")))
    return SimpleNamespace(session=session, project=project, stack=name)


@contextmanager
def state_without(rehearsal: Rehearsal, types: set[str]) -> Iterator[None]:
    """The rehearsal's state as if the resources of `types` (and everything parented by them) had never been
    created; the exported state is imported back after, exactly as it was."""
    session, stack = rehearsal.session, rehearsal.stack
    code, exported, _ = session.run(["stack", "export", "-s", stack])
    assert code == 0, exported[-2000:]
    state = json.loads(exported)
    resources = state["deployment"]["resources"]
    gone = {r["urn"] for r in resources if r["type"] in types}
    while children := {r["urn"] for r in resources if r.get("parent") in gone} - gone:
        gone |= children
    kept = [r for r in resources if r["urn"] not in gone]
    for resource in kept:
        resource["dependencies"] = [u for u in resource.get("dependencies", []) if u not in gone]
        for key, urns in (resource.get("propertyDependencies") or {}).items():
            resource["propertyDependencies"][key] = [u for u in urns if u not in gone]
    state["deployment"]["resources"] = kept
    edited = rehearsal.project / f"state-{stack}-edited.json"
    original = rehearsal.project / f"state-{stack}-original.json"
    edited.write_text(json.dumps(state))
    original.write_text(exported)
    try:
        code, output, _ = session.run(["stack", "import", "-s", stack, "--file", str(edited), "--force"])
        assert code == 0, output[-2000:]
        yield
    finally:
        code, output, _ = session.run(["stack", "import", "-s", stack, "--file", str(original), "--force"])
        assert code == 0, output[-2000:]
