"""The production rehearsal's last act: both keys opened, production applied to the stand-ins,
and every kind of destroy shown deleting nothing, because the program's stack transform
(stacks/protection.py) protects every resource of a production stack.

Only in the rehearsal's throwaway copy and file backend: the program's window comes from the
commands documented in the stack file, the pack's from a copy of its policy config.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ops.rehearsal.engine import Step

# What the stack itself and the engine's default providers are: not declared by the program.
_NOT_DECLARED = ("pulumi:pulumi:Stack", "pulumi:providers:")
# The resource `destroy --target` aims at: one nothing else depends on.
TARGET_TYPE = "aws:cloudwatch/metricAlarm:MetricAlarm"

Check = Callable[[Any, Step], list[str]]


def declared(rehearsal: Any) -> list[dict]:
    return [r for r in rehearsal.state_resources() if not r["type"].startswith(_NOT_DECLARED)]


def release_steps(rehearsal: Any, pack_window_config: str) -> list[tuple[Step, Check]]:
    """(step, check) pairs: the update with both keys open, then plain, `--exclude-protected` and
    `--target` destroys that must leave the state as the update left it."""
    s = ["-s", rehearsal.stack]
    pack = ["--policy-pack", "policies", "--policy-pack-config", pack_window_config]
    return [
        (Step("up with both keys open", ["up", *s, "--yes", "--skip-preview", *pack]), _every_resource_protected),
        (Step("destroy refused by protect", ["destroy", *s, "--yes"], expect_success=False), _nothing_deleted),
        (Step("destroy --exclude-protected", ["destroy", *s, "--yes", "--exclude-protected"]), _nothing_deleted),
        # The URN is only known after the update: `_with_target` fills it in before the step runs.
        (Step("destroy --target refused by protect", ["destroy", *s, "--yes"], expect_success=False), _nothing_deleted),
    ]


def target_urn(rehearsal: Any) -> str | None:
    return next((r["urn"] for r in declared(rehearsal) if r["type"] == TARGET_TYPE), None)


def _every_resource_protected(rehearsal: Any, step: Step) -> list[str]:
    resources = declared(rehearsal)
    rehearsal.after_update = sorted(r["urn"] for r in resources)
    if not resources:
        return ["the update left no resource in the state"]
    loose = [r["type"] for r in resources if not r.get("protect")]
    problems = [f"{len(loose)} resource(s) are not protected: {', '.join(sorted(set(loose)))}"] if loose else []
    urn = target_urn(rehearsal)
    if urn is None:
        problems.append(f"the state holds no {TARGET_TYPE} for `destroy --target`")
    else:
        for later in rehearsal.pending_targets:
            later.args += ["--target", urn]
    return problems


def _nothing_deleted(rehearsal: Any, step: Step) -> list[str]:
    remaining = sorted(r["urn"] for r in declared(rehearsal))
    gone = len(set(rehearsal.after_update) - set(remaining))
    problems = [f"the destroy deleted {gone} resource(s)"] if gone else []
    if not step.expect_success and "protect" not in step.output:
        problems.append("the destroy failed, but not because of `protect`")
    return problems
