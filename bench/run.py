"""`make bench`: the offline plan against the floor of loading the SDKs it needs, and more.

Cold processes, interleaved, median of RUNS; prints each figure, the ratio and its target.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
RUNS = int(os.environ.get("BENCH_RUNS", "7"))

# The unavoidable floor: import the provider modules the program uses and touch every class
# and function it declares (provider SDKs load lazily, so touching is what costs).
FLOOR = """
import pulumi, pulumi_random, pulumi_aws
from pulumi_aws import ec2, rds, vpc
from pulumi_render import owners, services
(pulumi_aws.get_availability_zones_output, ec2.Vpc, ec2.Subnet, ec2.SecurityGroup, ec2.InternetGateway,
 ec2.RouteTable, ec2.RouteTableAssociation, ec2.DefaultSecurityGroup, ec2.get_subnets_output,
 vpc.SecurityGroupIngressRule, rds.Instance, rds.ParameterGroup, rds.SubnetGroup,
 pulumi_random.RandomPassword, services.WebService, services.EnvVar, services.Deploy, services.CustomDomain,
 owners.list_owners_output)
"""


def timed(argv: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (MiB) of one cold child process."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(argv)}: {child.stderr.read().decode()[:300]}")
    return elapsed, usage.ru_maxrss // 1024


def compare(label: str, command: list[str], floor: list[str], target: float) -> None:
    command_times, floor_times, peaks = [], [], []
    timed(floor), timed(command)  # warm the page cache, not the interpreter
    for _ in range(RUNS):
        t, _ = timed(floor)
        floor_times.append(t)
        t, peak = timed(command)
        command_times.append(t)
        peaks.append(peak)
    plan_s, floor_s = statistics.median(command_times), statistics.median(floor_times)
    ratio = plan_s / floor_s
    verdict = "ok" if ratio <= target else "OVER TARGET"
    print(
        f"{label}: {plan_s * 1000:.0f} ms median of {RUNS} | floor (SDK imports): {floor_s * 1000:.0f} ms | "
        f"ratio {ratio:.2f} (target <= {target}) {verdict} | peak RSS {max(peaks)} MiB (target <= 200)"
    )


def suite_time() -> None:
    start = time.perf_counter()
    completed = subprocess.run([PY, "-m", "pytest", "-q"], cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    tail = completed.stdout.strip().splitlines()[-1] if completed.stdout.strip() else "no output"
    print(f"test suite: {elapsed:.1f} s on {os.cpu_count()} cores (target <= 60 s) | {tail}")


def main() -> None:
    floor = [PY, "-c", FLOOR]
    compare("ops plan staging", [PY, "-m", "ops", "plan", "staging"], floor, 1.3)
    for extra in sorted((ROOT / "bench").glob("bench_*.py")):
        subprocess.run([PY, str(extra)], cwd=ROOT, check=False)
    if "--no-suite" not in sys.argv:
        suite_time()


if __name__ == "__main__":
    main()
