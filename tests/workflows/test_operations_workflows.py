"""Deploy only after CI on the same commit, the drift watch, and the operations artifacts.

The drift issue step is run for real: its shell script against a stand-in `gh` that keeps
issues in a JSON file (and answers `--jq` with the real jq), so "one issue, then comments"
is observed, not assumed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.commands import run_step
from tests.support.env import ROOT
from tests.support.workflows import WORKFLOW_DIR

DEPLOY_GUARDS = (
    "github.event.workflow_run.conclusion == 'success'",
    "github.event.workflow_run.event == 'push'",
    "github.event.workflow_run.head_branch == 'main'",
    "github.event.workflow_run.head_repository.full_name == github.repository",
)


def _steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def test_deploy_runs_only_after_ci_succeeded_for_the_same_commit(workflows):
    deploy = workflows["deploy-staging.yml"]
    assert set(deploy["on"]) == {"workflow_run"}, "no push or manual trigger may bypass ci.yml"
    trigger = deploy["on"]["workflow_run"]
    assert trigger["workflows"] == [workflows["ci.yml"]["name"]]
    assert trigger["types"] == ["completed"] and trigger["branches"] == ["main"]
    (job,) = deploy["jobs"].values()
    for guard in DEPLOY_GUARDS:  # a fork's PR run of ci.yml must never reach the secrets
        assert guard in job["if"], guard
    (checkout,) = [s for s in _steps(job) if s.get("uses", "").startswith("actions/checkout@")]
    assert checkout["with"]["ref"] == "${{ github.event.workflow_run.head_sha }}"


def test_deploy_attaches_runbook_and_readiness_report(workflows):
    (job,) = workflows["deploy-staging.yml"]["jobs"].values()
    runs = "\n".join(s["run"] for s in _steps(job) if "run" in s)
    assert "ops verify --stack staging --report verify-report.md --report verify-report.json" in runs
    assert "-m ops runbook staging --out runbook.md" in runs
    assert "-m ops readiness staging" in runs and "--verify-report verify-report.json" in runs
    uploads = {s["with"]["name"]: s for s in _steps(job) if s.get("uses", "").startswith("actions/upload-artifact@")}
    assert uploads["runbook"]["with"]["path"] == "runbook.md"
    assert uploads["readiness-report"]["with"]["path"] == "readiness.md"
    for name in ("runbook", "readiness-report"):
        assert uploads[name]["if"] == "${{ !cancelled() }}"  # reports even after a failed verify


def test_drift_watch_previews_with_refresh_expecting_no_changes_and_verifies(workflows):
    watch = workflows["drift-watch.yml"]
    assert watch["on"]["schedule"] and "workflow_dispatch" in watch["on"]
    job = watch["jobs"]["watch"]
    (preview,) = [s for s in _steps(job) if s.get("uses", "").startswith("pulumi/actions@")]
    inputs = preview["with"]
    assert inputs["command"] == "preview" and inputs["stack-name"] == "staging"
    assert inputs["refresh"] is True and inputs["expect-no-changes"] is True
    assert inputs["policyPackConfigs"] == "policies/config.staging.json"
    (verify,) = [s for s in _steps(job) if "ops verify --stack staging" in s.get("run", "")]
    # Both checks run and are reported, whichever fails.
    assert preview["continue-on-error"] is True and verify["continue-on-error"] is True
    assert job["outputs"] == {"preview": "${{ steps.preview.outcome }}", "verify": "${{ steps.verify.outcome }}"}


def test_drift_watch_permissions_are_least(workflows):
    jobs = workflows["drift-watch.yml"]["jobs"]
    assert jobs["watch"]["permissions"] == {"contents": "read", "id-token": "write"}
    assert jobs["report"]["permissions"] == {"issues": "write"}
    # The job that can write issues runs no repository code.
    assert not [s for s in _steps(jobs["report"]) if "uses" in s]
    assert "needs.watch.outputs.preview != 'success'" in jobs["report"]["if"]


@pytest.fixture
def issue_step(workflows):
    (step,) = workflows["drift-watch.yml"]["jobs"]["report"]["steps"]
    return step


@pytest.fixture
def fake_gh(tool, tmp_path):
    """A stand-in `gh` keeping issues in issues.json; `--jq` is answered by the real jq."""
    jq = tool("jq")
    store = tmp_path / "issues.json"
    store.write_text("[]")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "gh"
    script.write_text(
        f"#!{sys.executable}\n"
        f"""import json, subprocess, sys
store = {str(store)!r}
issues = json.load(open(store))
args = sys.argv[1:]
def flag(name):
    return args[args.index(name) + 1]
if args[:2] == ["issue", "list"]:
    state = flag("--state")
    shown = [{{"number": i["number"], "title": i["title"]}} for i in issues if i["state"] == state]
    out = subprocess.run([{jq!r}, "-r", flag("--jq")], input=json.dumps(shown), capture_output=True, text=True)
    sys.stdout.write(out.stdout); sys.exit(out.returncode)
elif args[:2] == ["issue", "create"]:
    issues.append({{"number": len(issues) + 1, "title": flag("--title"), "body": flag("--body"),
                   "state": "open", "comments": []}})
elif args[:2] == ["issue", "comment"]:
    next(i for i in issues if i["number"] == int(args[2]))["comments"].append(flag("--body"))
else:
    sys.exit("unexpected gh call: " + " ".join(args))
json.dump(issues, open(store, "w"))
"""
    )
    script.chmod(0o755)

    def run(step: dict, **outcomes: str) -> subprocess.CompletedProcess:
        env = {
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "GH_TOKEN": "unused",
            "GH_REPO": "owner/repo",
            "RUN_URL": "https://github.com/owner/repo/actions/runs/42",
            **outcomes,
        }
        return run_step(step["run"], env=env)

    run.issues = lambda: json.loads(store.read_text())
    run.seed = lambda issues: store.write_text(json.dumps(issues))
    return run


def test_drift_issue_is_opened_once_then_commented(issue_step, fake_gh):
    fake_gh.seed([{"number": 1, "title": "Unrelated", "body": "", "state": "open", "comments": []}])
    first = fake_gh(issue_step, PREVIEW="failure", VERIFY="success")
    second = fake_gh(issue_step, PREVIEW="success", VERIFY="failure")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    unrelated, drift = fake_gh.issues()
    assert unrelated["comments"] == []
    assert drift["title"] == "Drift watch: staging" and drift["state"] == "open"
    assert "| `pulumi preview --refresh --expect-no-changes -s staging` | failure |" in drift["body"]
    assert "actions/runs/42" in drift["body"]
    (comment,) = drift["comments"]
    assert "| `python -m ops verify --stack staging` | failure |" in comment


def test_a_closed_drift_issue_is_not_reopened_but_a_new_one_opened(issue_step, fake_gh):
    fake_gh.seed([{"number": 1, "title": "Drift watch: staging", "body": "", "state": "closed", "comments": []}])
    assert fake_gh(issue_step, PREVIEW="failure", VERIFY="failure").returncode == 0
    closed, new = fake_gh.issues()
    assert closed["comments"] == [] and new["state"] == "open"


def test_readiness_lists_the_workflows_it_found(tmp_path: Path):
    """The readiness item 'CI workflows present' fails, naming the file, when one is missing."""
    from ops.readiness.model import PASS
    from ops.readiness.workflows import workflows_item

    assert workflows_item(ROOT).status == PASS
    copy = tmp_path / ".github" / "workflows"
    copy.mkdir(parents=True)
    for path in WORKFLOW_DIR.glob("*.yml"):
        if path.name != "drift-watch.yml":
            (copy / path.name).write_text(path.read_text())
    item = workflows_item(tmp_path)
    assert item.status == "fail" and "drift-watch.yml is missing" in item.evidence
