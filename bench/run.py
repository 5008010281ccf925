"""`make bench`: the offline plan against the floor of loading the SDKs it needs, and more.

Cold processes, interleaved; each ratio is the median of the paired ratios (command run / the floor run just
before it) over RUNS >= 9 runs; prints each figure, the ratio, its series and its target, then what the policy
pack adds (with it minus `--no-policies`, run by run). Last, the staging rehearsal, and the faults rehearsal and the
whole suite as multiples of it (bench/feedback.py; `--no-suite` leaves the suite out).
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
# At least 9: the ratio is the median of paired ratios, one pair per interleaved run.
RUNS = max(9, int(os.environ.get("BENCH_RUNS", "9")))

# The unavoidable floor: import the provider modules the program uses and touch every class
# and function it declares (provider SDKs load lazily, so touching is what costs).
FLOOR = """
import pulumi, pulumi.dynamic, pulumi_random, pulumi_aws, pulumiverse_sentry as sentry
from pulumi_aws import chatbot, cloudwatch, ec2, iam, kms, rds, sns, vpc
from pulumi_render import environments, owners, projects, services
(pulumi_aws.get_availability_zones_output, pulumi_aws.get_caller_identity_output, ec2.Vpc, ec2.Subnet,
 ec2.SecurityGroup, ec2.InternetGateway, ec2.RouteTable, ec2.RouteTableAssociation, ec2.DefaultSecurityGroup,
 ec2.get_subnets_output, vpc.SecurityGroupIngressRule, rds.Instance, rds.ParameterGroup, rds.SubnetGroup,
 cloudwatch.MetricAlarm, sns.Topic, sns.TopicSubscription, kms.Key, kms.Alias, iam.Role, iam.RolePolicy,
 chatbot.SlackChannelConfiguration,
 sentry.SentryTeam, sentry.SentryProject, sentry.SentryKey, sentry.SentryIssueAlert,
 pulumi_random.RandomPassword, services.WebService, services.EnvVar, services.Deploy, services.CustomDomain,
 projects.Project, environments.Environment, environments.ResourcesToEnvironment,
 owners.list_owners_output, pulumi.dynamic.Resource)
# Exits as `python -m ops` does (ops/__main__.py, exit_with): no last collection over the SDKs' objects.
import gc; gc.freeze()
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


def compare(
    floor: list[str],
    commands: dict[str, tuple[list[str], float]],
    costs: tuple[tuple[str, str, str], ...] = (),
) -> None:
    """Each command against the floor, all interleaved run by run so load drifts hit them alike; each of
    `costs` (name, command, the same command without the part named) as the paired difference of the two."""
    times: dict[str, list[float]] = {"floor": []}
    peaks: dict[str, list[int]] = {}
    for argv in [floor, *(c for c, _ in commands.values())]:
        timed(argv)  # warm the page cache, not the interpreter
    for _ in range(RUNS):
        times["floor"].append(timed(floor)[0])
        for label, (argv, _) in commands.items():
            elapsed, peak = timed(argv)
            times.setdefault(label, []).append(elapsed)
            peaks.setdefault(label, []).append(peak)
    floor_s, floor_min = statistics.median(times["floor"]), min(times["floor"])
    print(
        f"floor (import the SDKs, touch every class the program declares): {floor_s * 1000:.0f} ms median, "
        f"{floor_min * 1000:.0f} ms best of {RUNS}"
    )
    for label, (_, target) in commands.items():
        median, best = statistics.median(times[label]), min(times[label])
        # Each run's command against the floor run just before it: a load drift hits both halves of a pair.
        paired = [run / floor for run, floor in zip(times[label], times["floor"], strict=True)]
        ratio = statistics.median(paired)
        verdict = "ok" if ratio <= target else "OVER TARGET"
        print(
            f"{label}: {median * 1000:.0f} ms median, {best * 1000:.0f} ms best | ratio {ratio:.2f} "
            f"(median of {RUNS} paired ratios; target <= {target}) {verdict}, {best / floor_min:.2f} of bests | "
            f"peak RSS {max(peaks[label])} MiB (target <= 200)"
        )
        print(f"  paired ratios: {' '.join(f'{r:.2f}' for r in paired)}")
    for name, whole, without in costs:
        # Both ran in the same round, one after the other: what the part adds, with drift paired out.
        extra = [1000 * (a - b) for a, b in zip(times[whole], times[without], strict=True)]
        added = statistics.median(extra)
        share = added / (1000 * floor_s)
        print(f"{name}: {added:.0f} ms median of {RUNS} paired differences, {share:.3f} of the floor")


def analyzer_round_trip() -> None:
    sys.path.insert(0, str(ROOT))
    from bench.analyzer_round_trip import bench_round_trip

    result = bench_round_trip(500)
    verdict = "ok" if result.ms_per_resource <= 2 else "OVER TARGET"
    print(
        f"policy Analyze round trip: {result.ms_per_resource:.2f} ms/resource pipelined, "
        f"{result.sequential_ms_per_resource:.2f} ms sequential (target <= 2 ms) {verdict}"
    )


def compile_project() -> None:
    """Byte-compile the project once, as any interpreter does on a first run where writing
    .pyc is allowed (this machine sets PYTHONDONTWRITEBYTECODE): the SDKs in the floor were
    compiled by pip at install time, so both sides start from bytecode."""
    folders = [str(ROOT / name) for name in ("ops", "stacks", "components", "policies", "__main__.py")]
    subprocess.run([PY, "-m", "compileall", "-q", *folders], cwd=ROOT, check=True)


def main() -> None:
    compile_project()
    plan = [PY, "-m", "ops", "plan", "staging"]
    without_pack, with_pack = "ops plan staging --no-policies", "ops plan staging (with the policy pack)"
    compare(
        [PY, "-c", FLOOR],
        {without_pack: ([*plan, "--no-policies"], 1.3), with_pack: (plan, 1.3)},
        costs=(("the policy pack's own cost (judge, pack, verdicts)", with_pack, without_pack),),
    )
    analyzer_round_trip()
    subprocess.run([PY, str(ROOT / "bench" / "uptimerobot_cycle.py")], cwd=ROOT, check=False)
    subprocess.run([PY, str(ROOT / "bench" / "engine_preview.py"), str(RUNS)], cwd=ROOT, check=False)
    # The staging rehearsal, and the faults rehearsal and the suite in rehearsals (--no-suite: not the suite).
    subprocess.run([PY, str(ROOT / "bench" / "feedback.py"), *sys.argv[1:]], cwd=ROOT, check=False)


if __name__ == "__main__":
    main()
