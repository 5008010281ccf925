"""`python -m ops rehearse [STACK] [--faults]`: the dress rehearsal, run by the real Pulumi engine.

Exit 0 when every step (and with --faults every fault scenario, ops.rehearsal.faults.run) behaved as
expected, 1 when one did not, 2 for usage errors (no engine, unknown stack, a non-empty --keep
directory, --faults for another stack than staging).
"""

from __future__ import annotations

import argparse
import json
import time
from importlib import metadata
from pathlib import Path

from ops.rehearsal.apis import LocalApis, local_apis
from ops.rehearsal.engine import Engine, Step, locate_engine
from ops.rehearsal.lifecycle import REHEARSAL_VALUES, Rehearsal, workdir
from ops.rehearsal.standin import PACKAGES
from ops.shared.errors import UsageError
from ops.shared.project import ROOT, load_stack_config

SCHEMA_VERSION = 1
OUTPUT_TAIL_LINES = 40


def register(subparsers) -> None:
    parser = subparsers.add_parser("rehearse", help="the stack's lifecycle through the real Pulumi CLI")
    parser.add_argument("stack", nargs="?", default="staging")
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep the project copy and backend in DIR")
    parser.add_argument(
        "--faults",
        action="store_true",
        help="then interrupted-up, concurrent-up (on an S3 API on loopback), drift and outage-mid-up",
    )
    parser.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    load_stack_config(args.stack, ROOT)  # an unknown stack or unreadable stack file is a usage error
    if args.faults and args.stack != "staging":
        raise UsageError(f"--faults rehearses staging only (its `up`s apply), got {args.stack!r}")
    engine = locate_engine()
    started = time.monotonic()
    emit = (lambda _s: None) if args.json else _print_step
    with local_apis(args.stack, REHEARSAL_VALUES["oncallContacts"]) as apis, workdir(args.keep) as directory:
        if not args.json:
            _print_header(engine, args.stack, apis)
        rehearsal = Rehearsal(engine, args.stack, directory, apis.env)
        steps = rehearsal.run(on_step=emit)
        expected = rehearsal.expected
        lifecycle_ok = rehearsal.succeeded
        faults = _faults(rehearsal, apis, args.json) if args.faults and lifecycle_ok else None
        if args.keep:
            (directory / "backend" / "passphrase").write_text(rehearsal.session.passphrase + "\n")
            (directory / "backend" / "passphrase").chmod(0o600)
    ok = lifecycle_ok and (not args.faults or (bool(faults) and all(o.ok for o in faults)))
    seconds = time.monotonic() - started
    if args.json:
        report = json_report(engine, args.stack, ok, steps, seconds)
        if args.faults:
            report["faults"] = [o.as_json() for o in faults or []]
        print(json.dumps(report, indent=2))
    else:
        _print_summary(args.stack, ok, steps, expected, seconds, args.keep)
        if faults:
            passed = sum(o.ok for o in faults)
            print(f"  fault scenarios: {passed}/{len(faults)} as expected in {sum(o.seconds for o in faults):.1f} s")
    return 0 if ok else 1


def _faults(rehearsal: Rehearsal, apis: LocalApis, quiet: bool) -> list:
    from ops.rehearsal.faults.run import print_outcome, run_faults

    return run_faults(rehearsal, apis, on_scenario=(lambda _o: None) if quiet else print_outcome)


def _print_header(engine: Engine, stack: str, apis: LocalApis) -> None:
    standins = ", ".join(f"{p} {metadata.version(m)}" for p, m in PACKAGES.items())
    print(f"rehearsal of {stack}: pulumi {engine.version} ({engine.source}: {engine.cli})")
    print(f"  stand-in providers (no cloud is called): {standins}")
    print(
        f"  local fakes: UptimeRobot API at {apis.uptimerobot.base_url}, Sentry API at {apis.sentry.base_url}, "
        f"Render API at {apis.render.base_url}"
    )
    for key, values in REHEARSAL_VALUES.items():
        print(f"  rehearsal value, temporary copy only: {key} = {json.dumps(values)}")


def _print_step(step: Step) -> None:
    mark = "ok " if step.ok else "FAIL"
    code = "-" if step.exit_code is None else step.exit_code
    print(f"  {mark} {step.name:<44} exit {code!s:>3}  {step.seconds:6.1f} s", flush=True)
    if step.reason:
        print(f"       {'refused' if step.ok else 'failed'}: {step.reason}")
    for note in step.notes:
        print(f"       {note}")
    if not step.ok and step.output:
        print("       last lines of the CLI's output:")
        for line in step.output.rstrip().splitlines()[-OUTPUT_TAIL_LINES:]:
            print(f"       | {line}")


def _print_summary(stack: str, ok: bool, steps: list[Step], expected: int, seconds: float, keep: Path | None) -> None:
    verdict = "every step as expected" if ok else "NOT as expected"
    passed = sum(s.ok for s in steps)
    print(f"rehearsal of {stack}: {verdict} ({passed}/{expected} steps) in {seconds:.1f} s")
    if keep:
        print(
            f"  kept in {keep}: project/ and backend/; inspect with PULUMI_BACKEND_URL=file://{keep.resolve()}/backend "
            f"PULUMI_CONFIG_PASSPHRASE_FILE={keep.resolve()}/backend/passphrase"
        )


def json_report(engine: Engine, stack: str, ok: bool, steps: list[Step], seconds: float) -> dict:
    """What `--json` prints: the evidence `ops readiness --rehearsal-report` reads."""
    return {
        "schemaVersion": SCHEMA_VERSION,
        "stack": stack,
        "ok": ok,
        "seconds": round(seconds, 1),
        "engine": {"version": engine.version, "source": engine.source, "path": str(engine.cli)},
        "steps": [
            {
                "name": s.name,
                "command": ["pulumi", *s.args],
                "expected": "success" if s.expect_success else "failure",
                "exitCode": s.exit_code,
                "seconds": round(s.seconds, 1),
                "ok": s.ok,
                "reason": s.reason,
                "notes": s.notes,
            }
            for s in steps
        ],
    }
