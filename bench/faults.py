"""`ops rehearse staging --faults` (warm: run after the engine preview bench): each scenario's duration and
the whole run, from the command's own JSON report.

    .venv/bin/python bench/faults.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_SECONDS = 1800


def measure() -> None:
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "ops", "rehearse", "staging", "--faults", "--json"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired:
        print(f"ops rehearse staging --faults: not measured (over {TIMEOUT_SECONDS} s)")
        return
    elapsed = time.perf_counter() - started
    if done.returncode == 2 or not done.stdout.strip():
        print(f"ops rehearse staging --faults: not measured ({done.stderr.strip()[-200:]})")
        return
    report = json.loads(done.stdout)
    faults = report.get("faults", [])
    figures = ", ".join(f"{f['name']} {f['seconds']:.1f} s{'' if f['ok'] else ' (FAILED)'}" for f in faults)
    lifecycle = sum(step["seconds"] for step in report["steps"])
    print(
        f"ops rehearse staging --faults: {elapsed:.1f} s in all (lifecycle {lifecycle:.1f} s; faults "
        f"{sum(f['seconds'] for f in faults):.1f} s: {figures})"
    )


if __name__ == "__main__":
    measure()
