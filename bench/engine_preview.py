"""The real `pulumi preview -s staging` (the CLI, the program, the pack, the stand-in providers;
warm: the stack exists, the venvs and the CLI's caches are in place) beside `ops plan staging`."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ops.rehearsal.apis import local_apis  # noqa: E402
from ops.rehearsal.engine import locate_engine  # noqa: E402
from ops.rehearsal.lifecycle import REHEARSAL_VALUES, Rehearsal  # noqa: E402
from ops.shared.errors import UsageError  # noqa: E402


def measure(runs: int) -> None:
    try:
        engine = locate_engine()
    except UsageError as exc:
        print(f"pulumi preview -s staging: not measured ({exc})")
        return
    with local_apis("staging", REHEARSAL_VALUES["oncallContacts"]) as apis, tempfile.TemporaryDirectory() as tmp:
        rehearsal = Rehearsal(engine, "staging", Path(tmp), apis.env)
        for planned in rehearsal.setup():
            rehearsal.session.run_step(planned.step)
        preview = ["preview", "-s", "staging", *rehearsal.policy_flags()]
        plan = [sys.executable, "-m", "ops", "plan", "staging"]
        rehearsal.session.run(preview)  # warm: plugins resolved, bytecode written
        engine_times, plan_times = [], []
        for _ in range(runs):
            code, output, seconds = rehearsal.session.run(preview)
            if code != 0:
                print(f"pulumi preview -s staging: failed (exit {code}): {output[-300:]}")
                return
            engine_times.append(seconds)
            started = time.perf_counter()
            subprocess.run(plan, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            plan_times.append(time.perf_counter() - started)
    engine_s, plan_s = statistics.median(engine_times), statistics.median(plan_times)
    print(
        f"pulumi preview -s staging ({engine.version}, stand-ins, policy pack): {engine_s * 1000:.0f} ms median, "
        f"{min(engine_times) * 1000:.0f} ms best of {runs} | ops plan staging: {plan_s * 1000:.0f} ms median | "
        f"ratio preview/plan {engine_s / plan_s:.2f}"
    )


if __name__ == "__main__":
    measure(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
