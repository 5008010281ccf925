"""`make bench` keeps working: its modules import, the UptimeRobot cycle it reports stays at ten API calls, and it
states the faults rehearsal and the suite in staging rehearsals measured around them."""

from __future__ import annotations

import importlib.util
import os
import sys

import pytest

from tests.support.env import ROOT

BENCH_MODULES = sorted((ROOT / "bench").glob("*.py"))


def load(path):
    spec = importlib.util.spec_from_file_location(f"bench_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)  # each one runs only under `if __name__ == "__main__"`
    return module


@pytest.mark.parametrize("path", BENCH_MODULES, ids=lambda p: p.name)
def test_every_bench_module_imports(path):
    load(path)


def test_a_whole_uptimerobot_cycle_costs_ten_api_calls():
    # The free plan allows 10 requests a minute: a call more is six seconds more of a deploy.
    report = load(ROOT / "bench" / "uptimerobot_cycle.py").run_cycle()
    assert report["calls_by_phase"] == {"create": 4, "read": 2, "update": 2, "delete": 2}


def test_the_bench_reports_what_a_part_adds_as_a_paired_difference(capsys):
    # How `make bench` states the policy pack's own cost: the same command with and without it, run by run.
    bench = load(ROOT / "bench" / "run.py")
    quick = [sys.executable, "-c", "pass"]
    slower = [sys.executable, "-c", "import time; time.sleep(0.1)"]
    bench.compare(quick, {"quick": (quick, 9.0), "slower": (slower, 9.0)}, costs=(("the sleep", "slower", "quick"),))
    line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("the sleep:"))
    added_ms = int(line.split()[2])
    assert 90 <= added_ms < 1000, line
    assert f"median of {bench.RUNS} paired differences" in line


def test_the_bench_states_a_command_in_units_measured_around_it():
    # How `make bench` states the faults rehearsal and the suite: in staging rehearsals, timed before and after each.
    feedback = load(ROOT / "bench" / "feedback.py")
    unit = [sys.executable, "-c", "import time; time.sleep(0.2)"]
    four = [sys.executable, "-c", "import time; time.sleep(0.8)"]
    units, results = feedback.in_units(unit, {"four": four, "again": four})
    assert len(units) == 3 and all(0.2 <= seconds for seconds in units)
    assert 2.0 <= results["four"].ratio <= 6.0, (units, results["four"].seconds)
    assert results["again"].done.returncode == 0


def test_the_bench_says_how_much_cpu_a_command_used_and_the_floor_it_sets():
    # A suite on few cores is bound by its CPU: the bench says how much, and the wall time it allows at best.
    feedback = load(ROOT / "bench" / "feedback.py")
    busy = [sys.executable, "-c", "import time\nend = time.process_time() + 0.5\nwhile time.process_time() < end: pass"]
    seconds, cpu, done = feedback.timed_with_cpu(busy)
    assert done.returncode == 0 and 0.5 <= cpu <= seconds + 0.1
    idle_seconds, idle_cpu, _ = feedback.timed_with_cpu([sys.executable, "-c", "import time; time.sleep(0.5)"])
    assert idle_cpu < 0.3 <= idle_seconds
    line = feedback.cpu_detail(100.0, 150.0)
    assert line.startswith("CPU 150 s (1.5 of ") and line.endswith(f"floor {150 / (os.cpu_count() or 1):.0f} s)")


def test_a_failed_unit_is_said_not_divided_by(capsys, monkeypatch):
    feedback = load(ROOT / "bench" / "feedback.py")
    monkeypatch.setattr(feedback, "REHEARSAL", [sys.executable, "-c", "raise SystemExit('no engine here')"])
    feedback.main(["--no-suite"])
    out = capsys.readouterr().out
    assert out.startswith("staging rehearsal: not measured (") and out.endswith("failed (exit 1): no engine here)\n")
