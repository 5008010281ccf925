"""The workflows pass GitHub's schema and zizmor's security audit, and follow our hygiene rules."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from tests.support.env import ROOT
from tests.support.workflows import every_step, steps, workflow_files

WORKFLOW_FILES = workflow_files()
SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def test_the_expected_workflows_exist():
    assert {p.name for p in WORKFLOW_FILES} >= {"ci.yml", "preview.yml", "deploy-staging.yml", "preview-production.yml"}


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_workflow_matches_github_schema(tool, path):
    proc = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_zizmor_finds_nothing_high(tool):
    proc = subprocess.run(
        [tool("zizmor"), "--offline", "--format", "json", str(ROOT / ".github" / "workflows")],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    # zizmor exits non-zero when it reports findings; the JSON on stdout is the verdict.
    assert proc.stdout.strip(), proc.stderr
    high = [
        f"{f['ident']}: {f['desc']} ({f['locations'][0]['symbolic']['key']})"
        for f in json.loads(proc.stdout)
        if f["determinations"]["severity"] == "High"
    ]
    assert not high, "\n".join(high)


def test_every_action_is_pinned_by_commit_sha(workflows):
    unpinned = [
        f"{where}: {step['uses']}"
        for where, step in every_step(workflows)
        if "uses" in step and not step["uses"].startswith("./") and not SHA_PIN.match(step["uses"])
    ]
    assert not unpinned, "pin these by full commit SHA (with a # vX.Y.Z comment):\n" + "\n".join(unpinned)


def test_pins_carry_a_version_comment():
    missing = [
        f"{p.name}: {line.strip()}"
        for p in WORKFLOW_FILES
        for line in p.read_text().splitlines()
        if re.search(r"uses: \S+@[0-9a-f]{40}", line) and not re.search(r"# v\d", line)
    ]
    assert not missing, "\n".join(missing)


def test_checkout_never_persists_the_token(workflows):
    offenders = [
        where
        for where, step in every_step(workflows)
        if step.get("uses", "").startswith("actions/checkout@")
        and (step.get("with") or {}).get("persist-credentials") is not False
    ]
    assert not offenders, offenders


def test_no_expressions_inside_run_scripts(workflows):
    """Values reach scripts through `env:`, so no PR title or input can inject shell."""
    offenders = [
        f"{where}: {step.get('name', step['run'][:40])}"
        for where, step in every_step(workflows)
        if "run" in step and "${{" in step["run"]
    ]
    assert not offenders, offenders


def test_permissions_start_empty_and_each_job_asks_for_its_own(workflows):
    for name, wf in workflows.items():
        assert wf.get("permissions") == {}, f"{name}: top-level permissions must be {{}}"
        for job_id, job in wf["jobs"].items():
            assert "permissions" in job, f"{name}:{job_id} declares no permissions"
            assert "write-all" not in str(job["permissions"]), f"{name}:{job_id}"


def test_pr_preview_skips_forks_and_has_one_concurrency_group_per_pr(workflows):
    wf = workflows["preview.yml"]
    assert "pull_request_target" not in wf["on"]
    assert "github.event.pull_request.number" in wf["concurrency"]["group"]
    for job_id, job in wf["jobs"].items():
        assert job.get("if") == "github.event.pull_request.head.repo.full_name == github.repository", job_id


def test_pr_preview_previews_staging_and_writes_the_job_summary(workflows):
    # The PR comment is plan-comment.yml's (tests/workflows/test_plan_comment.py).
    (step,) = [s for _, s in steps(workflows["preview.yml"]) if s.get("uses", "").startswith("pulumi/actions@")]
    inputs = step["with"]
    assert inputs["command"] == "preview" and inputs["stack-name"] == "staging"
    assert inputs["comment-on-summary"] is True


def test_staging_deploy_is_gated_verified_and_reported(workflows):
    wf = workflows["deploy-staging.yml"]
    (job,) = wf["jobs"].values()
    env = job["environment"]
    assert (env["name"] if isinstance(env, dict) else env) == "staging"
    runs = [s["run"] for s in job["steps"] if "run" in s]
    assert any("ops verify --stack staging --report verify-report.md" in r for r in runs)
    (upload,) = [s for s in job["steps"] if (s.get("with") or {}).get("name") == "verify-report"]
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert upload["if"] == "always()" and "verify-report.md" in upload["with"]["path"].split()
    assert any("GITHUB_STEP_SUMMARY" in r for r in runs)


def test_ci_runs_tests_lint_both_plans_and_secret_scan(workflows):
    runs = "\n".join(s["run"] for _, s in steps(workflows["ci.yml"]) if "run" in s)
    for command in (
        "make test",
        "make lint",
        "-m ops plan staging",
        "-m ops plan production",
        "detect-secrets-hook --baseline .secrets.baseline",
    ):
        assert command in runs, command
    setup = [s for _, s in steps(workflows["ci.yml"]) if s.get("uses", "").startswith("actions/setup-python@")]
    assert setup and all(s["with"]["python-version"] == "3.11" and s["with"]["cache"] == "pip" for s in setup)
