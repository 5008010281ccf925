"""`make preview|up|verify` wrap the real Pulumi commands and never apply anything but staging.

A stand-in `pulumi` on PATH records how it was called, so each test can tell
whether Pulumi ran at all and with which stack and policy flags.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from tests.support.commands import run_make, without_proxies
from tests.support.env import ROOT
from tests.support.fake_cli import Reply, logged_calls, write_fake_cli


@pytest.fixture
def checkout(tmp_path):
    """What the targets read of a fresh clone: the Makefile, the stack files, the policy configs; no .tools."""
    directory = tmp_path / "checkout"
    (directory / "policies").mkdir(parents=True)
    for path in [ROOT / "Makefile", *ROOT.glob("Pulumi*.yaml")]:
        shutil.copy(path, directory / path.name)
    for path in (ROOT / "policies").glob("config.*.json"):
        shutil.copy(path, directory / "policies" / path.name)
    return directory


@pytest.fixture
def make(tool, tmp_path, checkout):
    make_bin = tool("make")
    makefile = (ROOT / "Makefile").read_text() if (ROOT / "Makefile").exists() else ""
    if not all(f"\n{target}:" in makefile for target in ("preview", "up", "verify")):
        pytest.fail("the Makefile has no preview/up/verify targets, which these tests run")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "pulumi.calls"

    def run(*targets: str, pulumi: bool = True, stdout: str = "") -> subprocess.CompletedProcess:
        if pulumi:
            write_fake_cli(bin_dir, "pulumi", default=Reply(stdout), log=log)
        # Only the stand-in's folder: a real pulumi elsewhere on PATH must never be reached.
        env = {**without_proxies(), "PATH": str(bin_dir), "PYTHONPATH": str(ROOT)}
        return run_make(make_bin, "-C", str(checkout), *targets, env=env)

    run.calls = lambda: logged_calls(log)
    run.log = log
    return run


@pytest.mark.parametrize("stack", ["production", "prod-eu", "acme/production", ""])
def test_make_up_refuses_any_stack_but_staging_without_calling_pulumi(make, stack):
    proc = make("up", f"STACK={stack}")
    assert proc.returncode != 0
    assert "make up applies only STACK=staging" in proc.stderr
    assert make.calls() == []


def test_make_up_applies_staging_with_the_policy_pack(make):
    proc = make("up")
    assert proc.returncode == 0, proc.stderr
    assert make.calls() == ["up -s staging --policy-pack policies --policy-pack-config policies/config.staging.json"]


def test_make_preview_of_production_is_allowed_with_its_policy_config(make):
    proc = make("preview", "STACK=production")
    assert proc.returncode == 0, proc.stderr
    assert make.calls() == [
        "preview -s production --policy-pack policies --policy-pack-config policies/config.production.json"
    ]


def test_make_preview_of_a_stack_without_policy_config_refuses(make, checkout):
    (checkout / "Pulumi.qa.yaml").write_text("config: {}\n")
    proc = make("preview", "STACK=qa")
    assert proc.returncode != 0
    assert "policies/config.qa.json does not exist" in proc.stderr
    assert make.calls() == []


def test_make_preview_of_an_unknown_stack_names_it_and_the_stacks_there_are(make):
    proc = make("preview", "STACK=prod")
    assert proc.returncode == 2
    assert proc.stderr.startswith(
        "error: unknown stack 'prod': no Pulumi.prod.yaml (stacks here: production staging); nothing was run"
    )
    assert make.calls() == []


@pytest.mark.parametrize("target", ["preview", "up"])
def test_without_pulumi_on_path_the_targets_use_the_cli_make_engine_built(make, checkout, target):
    built = checkout / ".tools" / "bin"
    built.mkdir(parents=True)
    write_fake_cli(built, "pulumi", log=make.log)
    proc = make(target, pulumi=False)
    assert proc.returncode == 0, proc.stderr
    assert make.calls() == [
        f"{target} -s staging --policy-pack policies --policy-pack-config policies/config.staging.json"
    ]


@pytest.mark.parametrize("target", ["preview", "up"])
def test_without_pulumi_cli_the_targets_say_so(make, target):
    proc = make(target, pulumi=False)
    assert proc.returncode != 0
    assert "the pulumi CLI is not installed" in proc.stderr


def test_make_verify_checks_the_staging_stack_outputs(make, make_server):
    server = make_server()
    proc = make("verify", stdout=json.dumps({"appUrl": server.url, "healthUrl": f"{server.url}/api/health"}))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert make.calls() == ["stack output --json -s staging"]
    assert "PASS" in proc.stdout


# --------------------------------------------------------------------------- no way around the refusal


@pytest.mark.parametrize(
    ("overrides", "refusal"),
    [
        # A shell command smuggled in through PULUMI or STACK (today: destroy -s production ran).
        (["up", "PULUMI=pulumi destroy -s production --yes #"], "PULUMI must be the path of the pulumi CLI alone"),
        (["preview", "STACK=staging; pulumi destroy -s production --yes #"], "STACK must be one stack name"),
        (["runbook", "STACK=x && pulumi destroy -s production --yes"], "STACK must be one stack name"),
    ],
)
def test_no_variable_turns_a_target_into_another_command(make, overrides, refusal):
    proc = make(*overrides)
    assert proc.returncode != 0
    assert refusal in proc.stderr and "nothing was run" in proc.stderr
    assert make.calls() == []


def test_make_up_ignores_a_second_stack_flag(make):
    # The CLI takes the last -s: appended policy flags must not be able to retarget `up`.
    proc = make("up", "POLICY_FLAGS=--policy-pack policies -s production")
    assert proc.returncode == 0, proc.stderr
    assert make.calls() == ["up -s staging --policy-pack policies --policy-pack-config policies/config.staging.json"]


CHANGES_A_STACK = re.compile(
    r"(^|[\s/])pulumi\s+(-\S+\s+)*(up|update|destroy|refresh|import|state|stack\s+rm|cancel)\b"
)


@pytest.mark.parametrize("stack", ["production", "prod-eu", "live", "prd"])
def test_no_target_changes_a_stack_other_than_staging(tool, stack):
    """Every target, dry-run (`make -n`) with STACK set: the only command that changes a stack is `up -s staging`."""
    targets = re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert {"up", "preview", "rehearse", "plan"} <= set(targets)
    for target in targets:
        proc = run_make(tool("make"), "-n", target, f"STACK={stack}", env=without_proxies())
        for line in proc.stdout.splitlines():
            if CHANGES_A_STACK.search(line) and not line.startswith(("if ", "echo ")):
                assert re.search(r"\bup -s staging\b", line), f"make {target} STACK={stack}: {line}"
