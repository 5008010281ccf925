"""Engine previews of a rehearsed stack with its config changed for one look."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ops.rehearsal.lifecycle import Rehearsal


@dataclass(frozen=True)
class Step:
    op: str  # same, create, update, replace, delete, ...
    type: str  # the resource's own type, without its parents'
    name: str


@contextmanager
def config_changed(rehearsal: Rehearsal, key: str, value: str) -> Iterator[None]:
    """The rehearsal's stack with `key` set to `value`; the stack file is put back after."""
    stack_file = rehearsal.project / f"Pulumi.{rehearsal.stack}.yaml"
    saved = stack_file.read_text()
    try:
        assert rehearsal.session.run(["config", "set", "-s", rehearsal.stack, key, value])[0] == 0
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
    output = preview_output(rehearsal, key, value, "--json", *flags)
    return [
        Step(op=step["op"], type=step["urn"].split("::")[2].split("$")[-1], name=step["urn"].rsplit("::", 1)[-1])
        for step in json.loads(output)["steps"]
    ]
