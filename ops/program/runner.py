"""Runs the Pulumi program offline under the SDK's mocks (`pulumi.runtime.set_mocks`), recording every
registration, the stack's outputs and, with the policy pack, every verdict.

No CLI, no credentials, no network: the same `__main__.py` the engine runs, with the stack's config
from its stack file. Invoke answers are placeholders (ops/shared/cloud_answers.py).
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import logging
import runpy
import sys
import traceback
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime.rpc import is_rpc_secret, unwrap_rpc_secret

from ops.program.judge_process import JudgeProcess
from ops.program.mocks import PlanMocks, RecordingMonitor
from ops.program.result import PlanRefused, PlanResult
from ops.program.verdicts import read_policy_config
from ops.shared.errors import Failure, UsageError
from ops.shared.project import ROOT, load_stack_config
from ops.shared.redact import redact_text
from stacks.sdk_internals import register_stack_outputs
from stacks.startup import settle

# The runner's own file: a program's traceback passes through it, but it is not the program.
_RUNNER = Path("ops", "program", Path(__file__).name)


def run_plan(
    stack: str,
    *,
    preview: bool = True,
    root: Path = ROOT,
    mocks: PlanMocks | None = None,
    policies: Path | bool = False,
) -> PlanResult:
    """Run `root/__main__.py` for `stack`; raises UsageError (bad config), PlanRefused, or Failure (a bug).

    With `policies` (True: the stack's default config file, or a config path) the real pack runs
    as a subprocess, started before the program so both use a core, and judges every resource."""
    config = load_stack_config(stack, root)
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    stack_urn = f"urn:pulumi:{stack}::{config.project}::pulumi:pulumi:Stack::{config.project}-{stack}"
    # The judge (and through it the pack) starts first, so its start-up overlaps the SDK imports on the
    # other core; it judges each resource as the program registers it, as under the engine.
    judge, fingerprints = None, frozenset[str]()
    if policies:
        policy_config, fingerprints = read_policy_config(stack, root, policies)
        judge = JudgeProcess(config, preview, policy_config, stack_urn, fingerprints)
    plan_mocks = mocks or PlanMocks(preview=preview)
    monitor = RecordingMonitor(plan_mocks, on_register=judge.send if judge else None)
    warnings: list[str] = []
    logger = logging.getLogger(f"ops.plan.{stack}")
    logger.propagate = False
    logger.handlers = [_Collect(warnings)]
    logger.setLevel(logging.WARNING)

    def execute() -> None:
        # A loop of its own per plan, as the SDK's mocks schedule every registration on the current loop.
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            pulumi.runtime.set_mocks(
                plan_mocks,
                project=config.project,
                stack=stack,
                preview=preview,
                logger=logger,
                monitor=monitor,
                organization="organization",
            )
            pulumi.runtime.set_all_config(config.config, config.secret_keys)
            pulumi.runtime.test(lambda: _run_program(root / "__main__.py"))()
        finally:
            monitor.close_thread_loops()
            asyncio.set_event_loop(None)
            loop.close()

    try:
        # Before the loop starts, and kept out of the collector's way while the plan runs (unfrozen after: this
        # process may live on, as a test worker does).
        settle()
        try:
            # A fresh context per plan: the SDK keeps its root resource and config in context variables.
            contextvars.Context().run(execute)
        except Exception as exc:  # noqa: BLE001 - sorted into a user's error, a refusal or a program failure
            raise _classify(exc, root, _known_secrets(monitor), fingerprints) from None

        result = PlanResult(
            stack=stack,
            stack_urn=stack_urn,
            preview=preview,
            resources=list(monitor.registrations),
            outputs=monitor.outputs_by_urn.get(stack_urn, {}),
            invocations=list(plan_mocks.invocations),
            warnings=warnings,
            aws_region=config.config.get("aws:region"),
        )
        if judge is not None:  # exactly when the pack runs
            result.diagnostics, result.policy_pack, result.policy_rules, result.redact = judge.verdicts()
            result.policies_ran = True
        return result
    finally:
        gc.unfreeze()
        if judge is not None:
            judge.close()


def _run_program(program: Path) -> None:
    runpy.run_path(str(program), run_name="__main__")
    register_stack_outputs()


def _classify(exc: Exception, root: Path, secrets=(), fingerprints=()) -> Exception:
    """A refusal and bad config are the user's business (one line); anything else is a bug in the
    program: a Failure with its traceback, trimmed to the project's files unless --debug."""
    # Imported here: ~150 ms (python -X importtime) that would otherwise come before the pack starts.
    from stacks.program import InvalidConfiguration, UpdateRefused

    def clean(text: str) -> str:
        return redact_text(text, secrets=secrets, fingerprints=fingerprints)

    if isinstance(exc, UpdateRefused):
        return PlanRefused(clean(str(exc)))
    if isinstance(exc, InvalidConfiguration):
        return UsageError(clean(str(exc)))
    first_line = str(exc).splitlines()[0] if str(exc) else ""
    message = f"the program failed: {exc.__class__.__name__}" + (f": {first_line}" if first_line else "")
    if isinstance(exc, pulumi.RunError):  # the program's own one-line verdict: no traceback by design
        return Failure(clean(message))
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if _project_file(f.filename, root)]
    for frame in frames:
        frame.filename = str(Path(frame.filename).resolve().relative_to(root.resolve()))
    if frames:
        trimmed = "Traceback (project files only; --debug shows every frame):\n" + "".join(
            traceback.format_list(frames)
        )
    else:
        trimmed = "No frame of the traceback is in the project's files; --debug shows every frame.\n"
    trimmed += "".join(traceback.format_exception_only(exc))
    return Failure(clean(message), clean(trimmed), clean("".join(traceback.format_exception(exc))))


def _project_file(filename: str, root: Path) -> bool:
    """A file of the program (its __main__.py, stacks/, components/ ...), not the SDK, the venv or this runner."""
    try:
        relative = Path(filename).resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return relative.parts[:1] not in ((".venv",), ("venv",)) and relative != _RUNNER


def _known_secrets(monitor: RecordingMonitor) -> list[str]:
    """Plain values of every secret registered so far: a traceback must not show them either."""
    found: list[str] = []

    def walk(value: Any, secret: bool) -> None:
        if is_rpc_secret(value):
            walk(unwrap_rpc_secret(value), True)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item, secret)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item, secret)
        elif secret and isinstance(value, str):
            found.append(value)

    for registration in monitor.registrations:
        walk(registration.inputs, False)
        walk(registration.outputs, False)
        # The monitor records outputs plain; the provider declares these secret.
        for key in _SECRET_OUTPUTS.get(registration.type, ()):
            walk(registration.outputs.get(key), True)
    return found


_SECRET_OUTPUTS = {"random:index/randomPassword:RandomPassword": ("result", "bcryptHash")}


class _Collect:
    """A minimal logging handler: the SDK's warnings become plan lines."""

    level = 0

    def __init__(self, sink: list[str]):
        self.sink = sink

    def handle(self, record) -> None:
        self.sink.append(record.getMessage())
