"""Engine previews of a rehearsed stack with its config changed for one look."""

from __future__ import annotations

import json
from dataclasses import dataclass

from ops.rehearsal.lifecycle import Rehearsal


@dataclass(frozen=True)
class Step:
    op: str  # same, create, update, replace, delete, ...
    type: str  # the resource's own type, without its parents'
    name: str


def preview_with(rehearsal: Rehearsal, key: str, value: str, *flags: str) -> list[Step]:
    """The engine's preview of the rehearsal's stack with `key` set to `value`; the stack file is put back after."""
    stack_file = rehearsal.project / f"Pulumi.{rehearsal.stack}.yaml"
    saved = stack_file.read_text()
    session = rehearsal.session
    try:
        assert session.run(["config", "set", "-s", rehearsal.stack, key, value])[0] == 0
        code, output, _ = session.run(["preview", "-s", rehearsal.stack, "--json", *flags])
    finally:
        stack_file.write_text(saved)
    assert code == 0, output[-2000:]
    return [
        Step(op=step["op"], type=step["urn"].split("::")[2].split("$")[-1], name=step["urn"].rsplit("::", 1)[-1])
        for step in json.loads(output)["steps"]
    ]
