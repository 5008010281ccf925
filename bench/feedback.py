"""The feedback loop, in staging rehearsals: `ops rehearse staging` is the unit (what a DevOps engineer runs before an
`up`), and `ops rehearse staging --faults` and the whole test suite are stated as multiples of it, each measured between
two rehearsals of the same run so that a drift in the machine's load weighs on both sides of its ratio.

    .venv/bin/python bench/feedback.py [--no-suite]     # `make bench` runs it; --no-suite: the suite is not run
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
TIMEOUT_SECONDS = 1800
REHEARSAL = [PY, "-m", "ops", "rehearse", "staging", "--json"]
FAULTS = [PY, "-m", "ops", "rehearse", "staging", "--faults", "--json"]
# `make test`'s command: the addopts in pyproject.toml hold -q already (a second one hides the tally).
SUITE = [PY, "-m", "pytest"]
# The rehearsal in seconds; the others in rehearsals.
REHEARSAL_TARGET = 15.0
TARGETS = {"faults": 3.0, "suite": 6.0}


def timed(argv: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    seconds, _cpu, done = timed_with_cpu(argv)
    return seconds, done


def timed_with_cpu(argv: list[str]) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall seconds, CPU seconds (user + system, of the command and every process it waited for) and the result."""
    before = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
    return time.perf_counter() - started, _children_cpu() - before, done


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Measured(NamedTuple):
    seconds: float
    ratio: float  # to the mean of the rehearsals just before and just after it
    done: subprocess.CompletedProcess
    cpu: float  # CPU seconds: on a machine of few cores, what bounds a parallel suite from below


def in_units(unit: list[str], measured: dict[str, list[str]]) -> tuple[list[float], dict[str, Measured]]:
    """`unit` timed first and after each of the `measured` commands (run in order); raises when a unit run fails."""
    units, results = [_unit(unit)], {}
    for name, argv in measured.items():
        seconds, cpu, done = timed_with_cpu(argv)
        units.append(_unit(unit))
        results[name] = Measured(seconds, seconds / statistics.mean(units[-2:]), done, cpu)
    return units, results


def _unit(argv: list[str]) -> float:
    seconds, done = timed(argv)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip()[-300:]
        raise RuntimeError(f"{' '.join(argv[1:])} failed (exit {done.returncode}): {tail}")
    return seconds


def verdict(value: float, target: float) -> str:
    return "ok" if value <= target else "OVER TARGET"


def faults_detail(done: subprocess.CompletedProcess) -> str:
    """Each scenario's duration, from the command's own JSON report."""
    try:
        report = json.loads(done.stdout)
    except ValueError:
        return f"no report (exit {done.returncode}): {done.stderr.strip()[-200:]}"
    faults = report.get("faults", [])
    lifecycle = sum(step["seconds"] for step in report["steps"])
    figures = ", ".join(f"{f['name']} {f['seconds']:.1f} s{'' if f['ok'] else ' (FAILED)'}" for f in faults)
    return f"lifecycle {lifecycle:.1f} s; scenarios: {figures}"


def cpu_detail(seconds: float, cpu: float) -> str:
    """The CPU a command used and how many cores that kept busy on average: with every core busy, the wall time
    cannot fall below CPU / cores."""
    cores = os.cpu_count() or 1
    return f"CPU {cpu:.0f} s ({cpu / seconds:.1f} of {cores} cores busy; floor {cpu / cores:.0f} s)"


def suite_detail(done: subprocess.CompletedProcess) -> str:
    lines = done.stdout.strip().splitlines()
    return lines[-1] if lines else f"no output (exit {done.returncode})"


def main(argv: list[str]) -> None:
    measured = {"faults": FAULTS} | ({} if "--no-suite" in argv else {"suite": SUITE})
    try:
        units, results = in_units(REHEARSAL, measured)
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        print(f"staging rehearsal: not measured ({exc})")
        return
    unit = statistics.median(units)
    print(
        f"staging rehearsal (ops rehearse staging): {unit:.1f} s median of {len(units)} "
        f"({' '.join(f'{s:.1f}' for s in units)}; target <= {REHEARSAL_TARGET:g} s) {verdict(unit, REHEARSAL_TARGET)}"
    )
    seconds, ratio, done, _cpu = results["faults"]
    print(
        f"ops rehearse staging --faults: {seconds:.1f} s = {ratio:.2f} staging rehearsals (target <= "
        f"{TARGETS['faults']:g}) {verdict(ratio, TARGETS['faults'])} | {faults_detail(done)}"
    )
    if "suite" not in results:
        print("test suite: not measured (--no-suite)")
        return
    seconds, ratio, done, cpu = results["suite"]
    print(
        f"test suite (pytest, {os.cpu_count()} cores, engine and faults tests included): {seconds:.1f} s = "
        f"{ratio:.2f} staging rehearsals (target <= {TARGETS['suite']:g}) {verdict(ratio, TARGETS['suite'])} | "
        f"{cpu_detail(seconds, cpu)} | {suite_detail(done)}"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
