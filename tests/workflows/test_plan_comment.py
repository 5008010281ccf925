"""The offline plan comment: ci.yml writes it without any write token, plan-comment.yml posts it
without running PR code, one comment per PR, edited on every push."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from tests.support.commands import run_step
from tests.support.env import ROOT, unavailable
from tests.support.workflows import steps

# Run as a script, never imported: it reads its state file at import.
FAKE_GH = ROOT / "tests" / "support" / "fake_gh.py"
MARKER = "<!-- kitchen-kontrol-plan -->"
HEAD_SHA = "a" * 40


def test_ci_holds_no_write_permission_and_runs_for_forks(workflows):
    ci = workflows["ci.yml"]
    assert ci["name"] == "ci"  # plan-comment.yml follows runs of the workflow by this name
    assert set(ci["on"]) == {"pull_request", "push"}  # never pull_request_target
    for job_id, job in ci["jobs"].items():
        assert set(job["permissions"].values()) == {"read"}, job_id
        assert "if" not in job or "fork" not in job["if"], job_id


def test_ci_plans_base_and_head_and_writes_the_comment_body(workflows):
    job = workflows["ci.yml"]["jobs"]["plans"]
    checkouts = [s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@")]
    base = next(s for s in checkouts if s.get("with", {}).get("path") == ".base")
    assert base["with"]["ref"] == "${{ github.event.pull_request.base.sha }}"
    assert all(s["with"]["persist-credentials"] is False for s in checkouts)
    script = "\n".join(s["run"] for s in job["steps"] if "run" in s)
    for command in (
        "-m ops plan staging --json > ../plan-base-staging.json",
        "-m ops plan production --json > ../plan-base-production.json",
        '--compare "plan-base-$1.json" --format markdown',
        "compared staging",
        "compared production",
        MARKER,
    ):
        assert command in script, command
    (upload,) = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload["with"]["name"] == "plan-comment" and upload["with"]["path"] == "plan-comment/"


def test_the_poster_runs_no_pr_code_with_the_least_permissions(workflows):
    poster = workflows["plan-comment.yml"]
    assert poster["on"] == {"workflow_run": {"workflows": ["ci"], "types": ["completed"]}}
    (job,) = poster["jobs"].values()
    assert job["permissions"] == {"actions": "read", "pull-requests": "write"}
    assert job["if"] == "github.event.workflow_run.event == 'pull_request'"
    # No action at all (so no checkout of the PR), only scripts from the default branch.
    assert all("uses" not in step for step in job["steps"])
    script = "\n".join(step["run"] for step in job["steps"])
    assert '[ "$head" != "$HEAD_SHA" ]' in script  # the artifact's PR number is checked
    assert "-F body=@comment.md" in script  # the body is data, never shell


@pytest.mark.parametrize("name", ["ci.yml", "plan-comment.yml"])
def test_run_scripts_are_valid_bash(workflows, name):
    for job_id, step in steps(workflows[name]):
        if "run" in step:
            check = subprocess.run(["bash", "-n"], input=step["run"], capture_output=True, text=True, check=False)
            assert check.returncode == 0, f"{job_id}: {step.get('name')}: {check.stderr}"


# ---------------------------------------------------------------------------------------
# The poster's scripts, run as GitHub runs them, against a fake `gh` (real jq for --jq).


@pytest.fixture
def github(tmp_path, workflows):
    if not shutil.which("jq"):
        unavailable("jq is not installed (the runner image has it)")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    gh.write_text(f'#!/bin/sh\nexec {sys.executable} {FAKE_GH} "$@"\n')
    gh.chmod(0o755)
    state_path = tmp_path / "state.json"
    state = {"pulls": {"7": {"head": {"sha": HEAD_SHA}}}, "comments": {}, "next_id": 100, "calls": [], "artifact": None}
    state_path.write_text(json.dumps(state))
    (job,) = workflows["plan-comment.yml"]["jobs"].values()

    class GitHub:
        def artifact(self, body: str | None, pr: str = "7") -> None:
            directory = tmp_path / "artifact"
            shutil.rmtree(directory, ignore_errors=True)
            directory.mkdir()
            if body is not None:
                (directory / "body.md").write_text(body)
                (directory / "pr-number").write_text(pr + "\n")
            data = json.loads(state_path.read_text())
            data["artifact"] = str(directory)
            state_path.write_text(json.dumps(data))

        def run(self, head_sha: str = HEAD_SHA) -> subprocess.CompletedProcess:
            workspace = tmp_path / "workspace"
            shutil.rmtree(workspace, ignore_errors=True)
            workspace.mkdir()
            values = {
                "${{ github.token }}": "fake-token",
                "${{ github.repository }}": "owner/repo",
                "${{ github.event.workflow_run.id }}": "12345",
                "${{ github.event.workflow_run.head_sha }}": head_sha,
            }
            output = ""
            for step in job["steps"]:
                env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "FAKE_GH_STATE": str(state_path)}
                env.update({k: values[v] for k, v in step.get("env", {}).items()})
                done = run_step(step["run"], cwd=workspace, env=env)
                output += done.stdout + done.stderr
                if done.returncode != 0:
                    return subprocess.CompletedProcess(step["name"], done.returncode, output, "")
            return subprocess.CompletedProcess("poster", 0, output, "")

        def comments(self, pr: str = "7") -> list[dict]:
            return json.loads(state_path.read_text())["comments"].get(pr, [])

        def add_comment(self, login: str, body: str, pr: str = "7") -> None:
            data = json.loads(state_path.read_text())
            data["next_id"] += 1
            data["comments"].setdefault(pr, []).append({"id": data["next_id"], "user": {"login": login}, "body": body})
            state_path.write_text(json.dumps(data))

    return GitHub()


def test_first_run_posts_one_comment_and_later_runs_edit_it(github):
    github.add_comment("someone", f"{MARKER}\nquoting the bot")  # not ours: never edited
    github.artifact(f"{MARKER}\n## Offline plan\nfirst push\n")
    assert github.run().returncode == 0
    github.artifact(f"{MARKER}\n## Offline plan\nsecond push\n")
    completed = github.run()
    assert completed.returncode == 0, completed.stdout
    ours = [c for c in github.comments() if c["user"]["login"] == "github-actions[bot]"]
    assert len(ours) == 1
    assert ours[0]["body"] == f"{MARKER}\n## Offline plan\nsecond push\n"
    assert github.comments()[0]["body"] == f"{MARKER}\nquoting the bot"


def test_a_body_without_the_marker_gets_it_so_the_next_push_finds_the_comment(github):
    github.artifact("## Offline plan\n")
    assert github.run().returncode == 0
    (comment,) = github.comments()
    assert comment["body"].startswith(MARKER + "\n")


def test_an_artifact_naming_another_pr_is_not_trusted(github):
    github.artifact(f"{MARKER}\nhello\n", pr="7")
    completed = github.run(head_sha="b" * 40)
    assert completed.returncode == 0
    assert "not commenting" in completed.stdout
    assert github.comments() == []


def test_a_pr_number_that_is_not_a_number_fails(github):
    github.artifact(f"{MARKER}\nhello\n", pr="$(touch pwned)")
    completed = github.run()
    assert completed.returncode == 1
    assert "names no pull request" in completed.stdout
    assert github.comments() == []


def test_no_artifact_means_no_comment(github):
    completed = github.run()
    assert completed.returncode == 0
    assert "nothing to post" in completed.stdout
    assert github.comments() == []


def test_a_huge_body_is_cut_below_githubs_limit(github):
    github.artifact(MARKER + "\n" + "row of the plan\n" * 10000)
    assert github.run().returncode == 0
    (comment,) = github.comments()
    assert len(comment["body"]) < 65536
    assert comment["body"].rstrip().endswith("(cut to fit a comment: see the ci run)")
    assert re.search(r"row of the plan\n\n\(cut", comment["body"])


# ---------------------------------------------------------------------------------------
# ci.yml's plan step, run as GitHub runs it, with a stand-in for `ops plan` (its exit codes).

FAKE_OPS = """#!/bin/sh
# -m ops plan STACK [--compare FILE --format markdown | --format markdown]
stack=$4
case "$*" in
  *--compare*) if grep -q unreadable "$6"; then echo "error: $6: no schemaVersion" >&2; exit 2; fi
               echo "### compared $stack"; exit "${FAKE_RC:-0}" ;;
  *markdown*) echo "### plan of $stack"; exit "${FAKE_RC:-0}" ;;
  *) echo "plan of $stack"; exit "${FAKE_RC:-0}" ;;
esac
"""


@pytest.fixture
def plan_step(tmp_path, workflows):
    job = workflows["ci.yml"]["jobs"]["plans"]
    step = next(s for s in job["steps"] if s.get("name", "").startswith("Plan staging and production"))
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(FAKE_OPS)
    python.chmod(0o755)

    def run(bases: dict[str, str], pr: str = "7", rc: int = 0) -> subprocess.CompletedProcess:
        for stack, content in bases.items():
            (tmp_path / f"plan-base-{stack}.json").write_text(content)
        env = {
            "PATH": os.environ["PATH"],
            "PR_NUMBER": pr,
            "BASE_SHA": "b" * 40,
            "HEAD_SHA": HEAD_SHA,
            "FAKE_RC": str(rc),
        }
        return run_step(step["run"], cwd=tmp_path, env=env)

    run.body = lambda: (tmp_path / "plan-comment" / "body.md").read_text()
    run.dir = tmp_path
    return run


def test_the_body_holds_both_comparisons_under_the_marker(plan_step):
    completed = plan_step({"staging": "{}", "production": "{}"})
    assert completed.returncode == 0, completed.stderr
    body = plan_step.body()
    assert body.startswith(MARKER + "\n")
    assert body.index("### compared staging") < body.index("### compared production")
    assert f"head {HEAD_SHA} against base {'b' * 40}" in body
    assert (plan_step.dir / "plan-comment" / "pr-number").read_text() == "7\n"


def test_a_missing_or_unreadable_base_falls_back_to_the_plan_alone_and_says_so(plan_step):
    completed = plan_step({"production": "unreadable"})
    assert completed.returncode == 0, completed.stderr
    body = plan_step.body()
    assert "### plan of staging\n\nNo plan of the base branch" in body
    assert "### plan of production\n\nThe base plan could not be compared" in body


def test_a_mandatory_violation_fails_the_job_but_the_comment_is_still_written(plan_step):
    completed = plan_step({"staging": "{}", "production": "{}"}, rc=1)
    assert completed.returncode == 1
    assert "### compared staging" in plan_step.body()


def test_a_push_plans_without_writing_a_comment(plan_step):
    completed = plan_step({}, pr="")
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == "plan of staging\nplan of production\n"
    assert not (plan_step.dir / "plan-comment").exists()
