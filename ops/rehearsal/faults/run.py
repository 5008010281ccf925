"""Runs the fault scenarios (ops.rehearsal.faults) after a staging lifecycle, and prints them."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ops.rehearsal.apis import LocalApis
from ops.rehearsal.faults.local import drift, interrupted_up, outage_mid_up
from ops.rehearsal.faults.s3 import concurrent_up
from ops.rehearsal.faults.scenario import FAULT_ENV, SCENARIOS, FaultRun, Outcome, timed
from ops.rehearsal.lifecycle import Rehearsal, copied

# Scenarios with a stack and fakes of their own (concurrent-up: a new one on S3; drift: a copy of the lifecycle's,
# taken before any scenario changed it): they run beside the others.
ASIDE = ("concurrent-up", "drift")
EXPECTED = {
    "interrupted-up": "the killed `up` leaves a lock and a pending create; `cancel`, `refresh --clear-pending-creates`,"
    " `up` converge with no duplicate or orphan in the fakes and `preview --expect-no-changes` is clean",
    "concurrent-up": "on the S3 backend, the second `up` fails on the first one's lock, the first applies; the state "
    "parses, holds no pending operation, no lock is left and the resource count is the lifecycle's",
    "drift": "on a copy of the lifecycle's stack and fakes, the drift watch exits 7 (changes) naming the monitor "
    "(interval), the deleted contact and the removed team member; `up --refresh` repairs them; the drift watch is "
    "clean again (the other monitor, paused, is either seen and resumed or reported as a finding)",
    "outage-mid-up": "UptimeRobot's two 503s are retried (three creates, one applied); a Sentry outage fails the `up` "
    "naming Sentry and 502; the rerun converges with no duplicate and `preview --expect-no-changes` is clean",
}


def run_faults(
    rehearsal: Rehearsal, apis: LocalApis, on_scenario: Callable[[Outcome], None] = lambda _o: None
) -> list[Outcome]:
    """Every scenario, reported in SCENARIOS' order: those on the lifecycle's stack (deployed) one after the other,
    and meanwhile those with a stack and fakes of their own (ASIDE)."""
    directory = rehearsal.session.backend.parent / "faults"
    directory.mkdir(exist_ok=True)
    # drift's copy is taken before any scenario changes the lifecycle's stack or its fakes.
    with copied(rehearsal, apis.saved(), directory / "drift-stack") as (drift_copy, drift_apis):
        run = _under_faults(rehearsal, apis, directory)
        drift_run = _under_faults(drift_copy, drift_apis, directory)
        scenarios = {
            "interrupted-up": lambda o: interrupted_up(run, o),
            "concurrent-up": lambda o: concurrent_up(
                rehearsal.session.engine, rehearsal.stack, directory / "s3", len(rehearsal.first_update), o
            ),
            "drift": lambda o: drift(drift_run, o),
            "outage-mid-up": lambda o: outage_mid_up(run, o),
        }
        outcomes = []
        with ThreadPoolExecutor(max_workers=len(ASIDE), thread_name_prefix="fault") as pool:
            aside = {name: pool.submit(timed, Outcome(name, EXPECTED[name]), scenarios[name]) for name in ASIDE}
            for name in SCENARIOS:
                if name in aside:
                    outcome = aside[name].result()
                else:
                    outcome = timed(Outcome(name, EXPECTED[name]), scenarios[name])
                outcomes.append(outcome)
                on_scenario(outcome)
    return outcomes


def _under_faults(rehearsal: Rehearsal, apis: LocalApis, directory: Path) -> FaultRun:
    """The rehearsal's deployed stack for fault scenarios: its providers get FAULT_ENV, its logs go to `directory`."""
    rehearsal.session.api_env = {**rehearsal.session.api_env, **FAULT_ENV}
    return FaultRun(session=rehearsal.session, stack=rehearsal.stack, apis=apis, directory=directory)


def print_outcome(outcome: Outcome) -> None:
    mark = "ok " if outcome.ok else "FAIL"
    code = "-" if outcome.exit_code is None else outcome.exit_code
    label = f"fault: {outcome.name} ({outcome.backend})"
    print(f"  {mark} {label:<44} exit {code!s:>3}  {outcome.seconds:6.1f} s", flush=True)
    for step in outcome.commands:
        print(f"       pulumi {' '.join(step.args)}  -> exit {step.exit_code}, {step.seconds:.1f} s")
    for note in outcome.notes:
        print(f"       {note}")
    for finding in outcome.findings:
        print(f"       finding: {finding}")
