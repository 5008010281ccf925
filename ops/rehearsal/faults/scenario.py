"""`ops rehearse staging --faults`: the real engine under faults, after the normal lifecycle.

Four scenarios, reported in this order (`concurrent-up` and `drift` have stacks and fakes of their own and run
beside the others: ops.rehearsal.faults.run),
each with what it expects, its duration, the exit code of the command the fault hit, and what the state and
the fakes hold afterwards:

- `interrupted-up` (ops.rehearsal.faults.local): the CLI is SIGKILLed, with everything it started,
  while the UptimeRobot fake holds a create it has already applied; the runbook's recovery converges.
- `concurrent-up` (ops.rehearsal.faults.s3): two `up`s of one stack on the S3 API (moto, loopback).
- `drift` (on a copy of the lifecycle's stack and fakes) and `outage-mid-up` (ops.rehearsal.faults.local).

Every wait is bounded: a held request is released after HOLD_SECONDS at the latest, a CLI command is
killed after COMMAND_SECONDS, and a process the rehearsal started is killed with all its descendants.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ops.rehearsal.apis import LocalApis
from ops.rehearsal.engine import EngineSession, Step
from ops.shared.recovery import rehearsed

SCENARIOS = ("interrupted-up", "concurrent-up", "drift", "outage-mid-up")
HOLD_SECONDS = 240.0
COMMAND_SECONDS = 420.0
# The fakes have no rate limit, and an outage should end in seconds: the provider's own settings
# (docs/uptimerobot.md), not a code path of their own.
FAULT_ENV = {"UPTIMEROBOT_REQUESTS_PER_MINUTE": "0", "UPTIMEROBOT_RETRY_TIMEOUT": "20", "SENTRY_RETRY_TIMEOUT": "1"}
LOCKED = "the stack is currently locked"
KINDS = {"AlertContact": "contacts", "Monitor": "monitors", "TeamMembership": "memberships"}


@dataclass
class Outcome:
    """One scenario's result, as `--json` prints it."""

    name: str
    expected: str
    backend: str = "file"
    ok: bool = False
    exit_code: int | None = None  # the command the fault hit
    seconds: float = 0.0
    commands: list[Step] = field(default_factory=list)
    state: dict = field(default_factory=dict)
    fakes: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what went against the expectation: not ok
    findings: list[str] = field(default_factory=list)  # what the project does not handle yet, seen and said

    def check(self, condition: bool, problem: str) -> None:
        if not condition:
            self.notes.append(problem)

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "expected": self.expected,
            "backend": self.backend,
            "ok": self.ok,
            "exitCode": self.exit_code,
            "seconds": round(self.seconds, 1),
            "commands": [
                {
                    "name": s.name,
                    "command": ["pulumi", *s.args],
                    "exitCode": s.exit_code,
                    "seconds": round(s.seconds, 1),
                }
                for s in self.commands
            ],
            "state": self.state,
            "fakes": self.fakes,
            "notes": self.notes,
            "findings": self.findings,
        }


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (from /proc): the CLI starts its plugins in process groups of their own."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(parent, []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        children = parents.get(queue.pop(), [])
        found += children
        queue += children
    return found


class Running:
    """A CLI command in the background, its output in a file; killed with its descendants if it must die."""

    def __init__(self, session: EngineSession, args: list[str], log: Path):
        self.args, self.log = args, log
        self.started = time.monotonic()
        with log.open("w") as out:
            self.process = subprocess.Popen(
                [str(session.engine.cli), *args],
                cwd=session.project,
                env=session.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        """SIGKILL the CLI and everything it started, as a dead runner would."""
        for pid in [self.process.pid, *descendants(self.process.pid)]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(timeout=30)

    def wait(self, timeout: float = COMMAND_SECONDS) -> int:
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return 124

    def step(self, name: str, expect_success: bool) -> Step:
        step = Step(name, self.args, expect_success)
        step.exit_code, step.output = self.process.returncode, self.log.read_text()
        step.seconds = time.monotonic() - self.started
        step.ok = (step.exit_code == 0) == expect_success
        return step


@dataclass
class FaultRun:
    """The deployed stack of the lifecycle, its fakes and where scenarios keep their files."""

    session: EngineSession
    stack: str
    apis: LocalApis
    directory: Path

    def command(self, outcome: Outcome, name: str, args: list[str], expect_success: bool | None = True) -> Step:
        """Runs and records one CLI command; `expect_success` None: either way, the scenario judges the result."""
        step = Step(name, rehearsed(args), bool(expect_success))
        step.exit_code, step.output, step.seconds = self.session.run(step.args, timeout=COMMAND_SECONDS)
        if "--show-secrets" not in args:  # a decrypted secret is never written anywhere
            (self.directory / f"{outcome.name}-{len(outcome.commands):02d}.log").write_text(step.output)
        step.ok = expect_success is None or (step.exit_code == 0) == expect_success
        outcome.commands.append(step)
        outcome.check(step.ok, f"{name}: exit {step.exit_code}, expected {'0' if expect_success else 'non-zero'}")
        return step

    def start(self, args: list[str], label: str) -> Running:
        return Running(self.session, rehearsed(args), self.directory / f"{label}.log")

    def add_contact(self, outcome: Outcome, index: int, name: str, email: str) -> None:
        """A new on-call person, already a member of the Sentry organization (as a real `up` needs)."""
        self.apis.sentry.add_member(email)
        value = f"backup: {name} <{email}>"
        self.command(outcome, f"config set oncallContacts[{index}]", _config_set(self.stack, index, value))

    def state(self) -> dict:
        code, output, _ = self.session.run(["stack", "export", "-s", self.stack])
        # The CLI's warnings share the output with the JSON, before it.
        start = output.find("\n{") + 1 if not output.startswith("{") else 0
        try:
            deployment = json.loads(output[start:]).get("deployment", {}) if code == 0 else None
        except ValueError:
            deployment = None
        if deployment is None:
            return {"exported": False, "output": output[-500:]}
        resources = deployment.get("resources") or []
        declared = [r for r in resources if r["type"] != "pulumi:pulumi:Stack" and ":providers:" not in r["type"]]
        pending = deployment.get("pending_operations") or []
        return {
            "exported": True,
            "resources": len(declared),
            "pendingOperations": [f"{p['type']} {p['resource']['urn'].rsplit('::', 1)[-1]}" for p in pending],
            "saas": {
                kind: sorted(r["id"] for r in declared if r["type"].endswith(":" + suffix))
                for suffix, kind in KINDS.items()
            },
        }

    def fakes(self) -> dict:
        uptimerobot, sentry = self.apis.uptimerobot, self.apis.sentry
        with uptimerobot._lock:
            monitors = [
                {"id": str(m["id"]), "name": m["friendlyName"], "interval": m["interval"], "status": m["status"]}
                for m in uptimerobot.monitors.values()
            ]
            contacts = [{"id": str(c["id"]), "value": c["value"]} for c in uptimerobot.contacts.values()]
        teams = {m["email"]: sorted(m["teams"]) for m in sentry.members.values()}
        return {"monitors": monitors, "contacts": contacts, "sentryTeams": teams}

    def converged(self, outcome: Outcome) -> None:
        """No duplicate, nothing orphaned: the fakes hold exactly what the state says, once each."""
        state, fakes = self.state(), self.fakes()
        outcome.state, outcome.fakes = state, fakes
        outcome.check(state.get("exported", False), "`pulumi stack export` failed")
        outcome.check(not state.get("pendingOperations"), f"pending operations left: {state.get('pendingOperations')}")
        saas = state.get("saas", {})
        for kind, key in (("contacts", "value"), ("monitors", "name")):
            twice = [v for v, n in Counter(item[key] for item in fakes[kind]).items() if n > 1]
            outcome.check(not twice, f"duplicate UptimeRobot {kind}: {twice}")
            held = sorted(item["id"] for item in fakes[kind])
            outcome.check(held == saas.get(kind), f"UptimeRobot {kind} {held} != the state's {saas.get(kind)}")
        for membership in saas.get("memberships", []):
            _, team, member_id = membership.split("/", 2)
            member = self.apis.sentry.members.get(member_id, {})
            outcome.check(team in member.get("teams", []), f"Sentry member {member_id} is not on team {team}")


def _config_set(stack: str, index: int, value: str) -> list[str]:
    return ["config", "set", "--path", "-s", stack, f"oncallContacts[{index}]", value]


def timed(outcome: Outcome, scenario: Callable[[Outcome], None]) -> Outcome:
    started = time.monotonic()
    try:
        scenario(outcome)
    finally:
        outcome.seconds = time.monotonic() - started
    outcome.ok = not outcome.notes
    return outcome
