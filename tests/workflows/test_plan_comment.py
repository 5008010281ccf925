"""The one PR comment: ci.yml (offline plan) and preview.yml (real preview) write artifacts without any
write token; plan-comment.yml composes and posts them without running PR code, one comment per PR, edited
after each workflow and on every push."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from ops.plan.comment import GITHUB_LIMIT, NO_PREVIEW, PREVIEW_FAILED, PREVIEW_PENDING
from tests.support.commands import run_step
from tests.support.env import ROOT, unavailable
from tests.support.plan_comment import HOSTILE, artifact_files, artifact_of, crowded, tokens
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


def test_ci_plans_base_and_head_and_uploads_them_as_json(workflows):
    job = workflows["ci.yml"]["jobs"]["plans"]
    checkouts = [s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@")]
    base = next(s for s in checkouts if s.get("with", {}).get("path") == ".base")
    assert base["with"]["ref"] == "${{ github.event.pull_request.base.sha }}"
    assert all(s["with"]["persist-credentials"] is False for s in checkouts)
    script = "\n".join(s["run"] for s in job["steps"] if "run" in s)
    for command in (
        "-m ops plan staging --json > ../plan-base-staging.json",
        "-m ops plan production --json > ../plan-base-production.json",
        '-m ops plan "$stack" --json > "plan-comment/plan-$stack.json"',
        '--compare "plan-base-$stack.json" --json > "plan-comment/compare-$stack.json"',
        "for stack in staging production",
    ):
        assert command in script, command
    assert "markdown" not in script  # data only: the composer makes the markup
    (upload,) = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload["with"]["name"] == "plan-comment" and upload["with"]["path"] == "plan-comment/"


def test_jobs_that_run_pr_code_hold_no_write_token(workflows):
    # pull_request jobs run the PR's code (and preview.yml's with the `preview` secrets); only
    # the OIDC token for the AWS role may be `write`, and it writes nothing to the repository.
    for file in ("ci.yml", "preview.yml"):
        assert set(workflows[file]["on"]) <= {"pull_request", "push"}, file
        for job_id, job in workflows[file]["jobs"].items():
            writes = {scope for scope, level in job["permissions"].items() if level == "write"}
            assert writes <= {"id-token"}, f"{file}:{job_id}: {writes}"


def test_the_preview_leaves_the_comment_to_the_poster_and_uploads_its_text(workflows):
    (job,) = workflows["preview.yml"]["jobs"].values()
    (pulumi,) = [s for s in job["steps"] if s.get("uses", "").startswith("pulumi/actions@")]
    assert pulumi["with"]["comment-on-pr"] is False
    keep = next(s for s in job["steps"] if "run" in s and "preview/preview.txt" in s["run"])
    assert keep["if"] == "always()"  # a failed preview still reports, as `failed`
    assert keep["env"] == {"PREVIEW_TEXT": f"${{{{ steps.{pulumi['id']}.outputs.output }}}}"}
    (upload,) = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload["if"] == "always()"
    assert upload["with"]["name"] == "preview" and upload["with"]["path"] == "preview/"
    assert job["steps"].index(pulumi) < job["steps"].index(keep) < job["steps"].index(upload)


def test_the_poster_runs_no_pr_code_with_the_least_permissions(workflows):
    poster = workflows["plan-comment.yml"]
    assert poster["on"] == {"workflow_run": {"workflows": ["ci", "preview"], "types": ["completed"]}}
    assert workflows["preview.yml"]["name"] == "preview"  # the poster follows runs by this name
    (job,) = poster["jobs"].values()
    assert job["permissions"] == {"actions": "read", "contents": "read", "pull-requests": "write"}
    assert job["if"] == "github.event.workflow_run.event == 'pull_request'"
    # The one action is the checkout of the composer from the default branch, after the
    # downloads; everything else is a script of the default branch.
    (checkout,) = [step for step in job["steps"] if "uses" in step]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"]["ref"] == "${{ github.event.repository.default_branch }}"
    assert checkout["with"]["sparse-checkout"].split() == TRUSTED_FILES
    assert job["steps"].index(checkout) == 1
    script = "\n".join(step["run"] for step in job["steps"] if "run" in step)
    assert '[ "$head" != "$HEAD_SHA" ]' in script  # the artifact's PR number is checked
    assert "python3 -I trusted/ops/plan/comment.py plan-comment" in script  # the trusted copy, isolated
    assert "-F body=@comment.md" in script  # the body is data, never shell


# The poster's own files: the composer, what it imports, the schema it validates the plans against.
TRUSTED_FILES = ["ops/plan/comment.py", "ops/plan/schema_check.py", "ops/plan/plan.schema.json"]


def test_the_poster_never_checks_out_or_runs_the_prs_code(workflows):
    (job,) = workflows["plan-comment.yml"]["jobs"].values()
    (checkout,) = [step for step in job["steps"] if "uses" in step]
    # No ref of the PR (head sha, head branch, merge ref) and only the composer's files, into their own folder.
    assert set(checkout["with"]) == {
        "ref",
        "path",
        "sparse-checkout",
        "sparse-checkout-cone-mode",
        "persist-credentials",
    }
    assert checkout["with"]["sparse-checkout-cone-mode"] is False and checkout["with"]["persist-credentials"] is False
    assert checkout["with"]["path"] == "trusted"
    script = "\n".join(step["run"] for step in job["steps"] if "run" in step)
    # Artifacts unpack into data folders, never into the composer's; nothing from them is executed or sourced.
    assert set(re.findall(r"--dir (\S+)", script)) == {"plan-comment", "preview"}
    interpreters = re.findall(r"\b(python3?|bash|sh|source|node|perl|ruby|chmod|make|pip)\b[^\n]*", script)
    assert [m for m in interpreters if m.startswith("python")] == ["python3"]
    assert not [m for m in interpreters if not m.startswith("python")], interpreters
    assert not re.search(r"(^|\s)\.\s|\./|eval ", script)
    # The composer imports only what the checkout brings (and the standard library).
    imports = re.findall(r"^\s*(?:from|import) (\S+)", (ROOT / TRUSTED_FILES[0]).read_text(), re.M)
    project = {name for name in imports if name.split(".")[0] in ("ops", "schema_check")}
    assert project == {"ops.plan.schema_check", "schema_check"}


@pytest.mark.parametrize("name", ["ci.yml", "preview.yml", "plan-comment.yml"])
def test_run_scripts_are_valid_bash(workflows, name):
    for job_id, step in steps(workflows[name]):
        if "run" in step:
            check = subprocess.run(["bash", "-n"], input=step["run"], capture_output=True, text=True, check=False)
            assert check.returncode == 0, f"{job_id}: {step.get('name')}: {check.stderr}"


# ---------------------------------------------------------------------------------------
# The poster, run as GitHub runs it after each workflow, against a fake `gh` (real jq for
# --jq) and the real composer; the checkout step is played by copying the composer.

REPO = "owner/repo"
PREVIEW_TEXT = (
    "Previewing update (staging):\n\n ~  render:services:EnvVar log-level update [diff: ~value]\n\n"
    "Policies:\n    ✅ kitchen-kontrol@v0.1.0 (local: policies)\n\n"
    "Resources:\n    ~ 1 to update\n    50 unchanged\n\n"
)


@pytest.fixture
def artifact(staging_document):
    """artifact(name): ci.yml's plan-comment files for a PR that adds a resource called `name` to both stacks."""
    return lambda name: artifact_files(staging_document, name)


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
    state = {"pulls": {"7": {"head": {"sha": HEAD_SHA}}}, "comments": {}, "next_id": 100, "calls": []}
    state_path.write_text(json.dumps(state | {"runs": [], "artifacts": {}}))
    (job,) = workflows["plan-comment.yml"]["jobs"].values()

    def update(change) -> None:
        data = json.loads(state_path.read_text())
        change(data)
        state_path.write_text(json.dumps(data))

    class GitHub:
        def workflow(self, file: str, files: dict[str, str] | None, sha: str = HEAD_SHA, status: str = "completed"):
            """A run of `file` on `sha`; its artifact (plan-comment or preview) holds `files`, if any."""

            def add(data: dict) -> None:
                run_id = str(len(data["runs"]) + 1000)
                created = f"2025-01-01T00:{len(data['runs']):02d}:00Z"
                data["runs"].append(
                    {"id": int(run_id), "path": f".github/workflows/{file}", "status": status}
                    | {"head_sha": sha, "event": "pull_request", "created_at": created}
                )
                if files is not None:
                    directory = tmp_path / "artifacts" / run_id
                    directory.mkdir(parents=True)
                    for name, text in files.items():
                        (directory / name).write_text(text)
                    artifact = {"ci.yml": "plan-comment", "preview.yml": "preview"}[file]
                    data["artifacts"][run_id] = {artifact: str(directory)}

            update(add)

        def ci(self, plans: dict[str, str] | None, pr: str = "7", **run) -> None:
            files = None if plans is None else {**plans, "pr-number": pr + "\n"}
            self.workflow("ci.yml", files, **run)

        def preview(self, text: str | None, **run) -> None:
            self.workflow("preview.yml", None if text is None else {"preview.txt": text}, **run)

        def push(self, sha: str) -> None:
            update(lambda data: data["pulls"]["7"]["head"].update(sha=sha))

        def run(self, head_sha: str = HEAD_SHA, head_repo: str = REPO) -> subprocess.CompletedProcess:
            workspace = tmp_path / "workspace"  # a fresh runner each time
            shutil.rmtree(workspace, ignore_errors=True)
            workspace.mkdir()
            values = {
                "${{ github.token }}": "fake-token",
                "${{ github.repository }}": REPO,
                "${{ github.event.workflow_run.head_sha }}": head_sha,
                "${{ github.event.workflow_run.head_repository.full_name }}": head_repo,
            }
            output = ""
            for step in job["steps"]:
                if "uses" in step:  # the checkout of the default branch's composer
                    for path in step["with"]["sparse-checkout"].split():
                        trusted = workspace / step["with"]["path"] / path
                        trusted.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copy(ROOT / path, trusted)
                    continue
                env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "FAKE_GH_STATE": str(state_path)}
                env.update({k: values[v] for k, v in step.get("env", {}).items()})
                done = run_step(step["run"], cwd=workspace, env=env)
                output += done.stdout + done.stderr
                if done.returncode != 0:
                    return subprocess.CompletedProcess(step["name"], done.returncode, output, "")
            return subprocess.CompletedProcess("poster", 0, output, "")

        def comments(self, pr: str = "7") -> list[dict]:
            return json.loads(state_path.read_text())["comments"].get(pr, [])

        def ours(self) -> list[dict]:
            return [c for c in self.comments() if c["user"]["login"] == "github-actions[bot]"]

        def add_comment(self, login: str, text: str, pr: str = "7") -> None:
            def add(data: dict) -> None:
                data["next_id"] += 1
                comment = {"id": data["next_id"], "user": {"login": login}, "body": text}
                data["comments"].setdefault(pr, []).append(comment)

            update(add)

    return GitHub()


def test_one_comment_across_both_workflow_runs_edited_on_every_push(github, artifact):
    github.add_comment("someone", f"{MARKER}\nquoting the bot")  # not ours: never edited
    github.preview(None, status="in_progress")
    github.ci(artifact("first push"))
    assert github.run().returncode == 0  # after ci: the preview is still running
    (comment,) = github.ours()
    assert PREVIEW_PENDING in comment["body"] and NO_PREVIEW not in comment["body"]
    github.preview(PREVIEW_TEXT)
    completed = github.run()  # after preview: the same comment, now with the preview
    assert completed.returncode == 0, completed.stdout
    assert f"updated comment {comment['id']}" in completed.stdout
    (edited,) = github.ours()
    assert edited["id"] == comment["id"] and PREVIEW_PENDING not in edited["body"]
    summary = edited["body"][: edited["body"].index("<details>")]
    assert "    ~ 1 to update" in summary and "✅ kitchen-kontrol" in summary and "`first push`" in edited["body"]
    second = "b" * 40
    github.push(second)
    github.ci(artifact("second push"), sha=second)
    github.preview(PREVIEW_TEXT.replace("~ 1 to update", "~ 2 to update"), sha=second)
    assert github.run(head_sha=second).returncode == 0
    (latest,) = github.ours()
    assert latest["id"] == comment["id"] and "second push" in latest["body"] and "~ 2 to update" in latest["body"]
    assert "first push" not in latest["body"]
    assert github.comments()[0]["body"] == f"{MARKER}\nquoting the bot"


def test_a_preview_that_finishes_first_waits_for_ci_which_then_posts_both(github, artifact):
    github.ci(None, status="in_progress")
    github.preview(PREVIEW_TEXT)
    completed = github.run()
    assert "ci has not finished" in completed.stdout and "nothing to post" in completed.stdout
    assert github.comments() == []
    github.ci(artifact("first push"))
    assert github.run().returncode == 0
    (comment,) = github.ours()
    assert "    ~ 1 to update" in comment["body"] and "first push" in comment["body"]


def test_a_fork_pr_gets_the_offline_plan_alone_and_is_told_why(github, artifact):
    github.ci(artifact("from a fork"))
    github.preview(None)  # its job was skipped: no artifact
    assert github.run(head_repo="someone/fork").returncode == 0
    (comment,) = github.ours()
    assert NO_PREVIEW in comment["body"] and PREVIEW_PENDING not in comment["body"]


def test_a_same_repo_preview_without_text_is_reported_failed_not_fork(github, artifact):
    github.ci(artifact("first push"))
    github.preview("")  # pulumi/actions sets no output when the preview fails
    assert github.run().returncode == 0
    (comment,) = github.ours()
    assert PREVIEW_FAILED in comment["body"] and NO_PREVIEW not in comment["body"]


def test_a_plan_that_is_not_a_plan_still_gets_the_marker_and_says_so(github, artifact):
    github.ci(artifact("first push") | {"plan-staging.json": "## Offline plan\n"})
    assert github.run().returncode == 0
    (comment,) = github.comments()
    assert comment["body"].startswith(MARKER + "\n")  # the next push finds it
    assert (
        "### Offline plan of `staging`: not shown" in comment["body"] and "not a valid plan document" in comment["body"]
    )


def test_a_hostile_artifact_is_posted_as_data(github, artifact):
    github.ci(artifact(HOSTILE.replace("\n", " ")))  # the name of the resource it adds
    github.preview(PREVIEW_TEXT + HOSTILE)
    assert github.run().returncode == 0
    (comment,) = github.ours()
    assert "evil.example" in comment["body"]  # shown, as code
    found = tokens(comment["body"])
    assert not [t for t in found if t.type in ("link_open", "image")]
    assert [t.content for t in found if t.type == "html_inline"] == []
    assert not re.search(r"evil|forged|@\w", " ".join(t.content for t in found if t.type == "text"))


def test_an_artifact_naming_another_pr_is_not_trusted(github, artifact):
    github.ci(artifact("hello"), pr="7", sha="b" * 40)
    completed = github.run(head_sha="b" * 40)
    assert completed.returncode == 0
    assert "not commenting" in completed.stdout
    assert github.comments() == []


def test_a_pr_number_that_is_not_a_number_fails(github, artifact):
    github.ci(artifact("hello"), pr="$(touch pwned)")
    completed = github.run()
    assert completed.returncode == 1
    assert "names no pull request" in completed.stdout
    assert github.comments() == []


def test_no_artifact_means_no_comment(github):
    github.ci(None)
    completed = github.run()
    assert completed.returncode == 0
    assert "nothing to post" in completed.stdout
    assert github.comments() == []


def test_a_huge_plan_is_cut_below_githubs_limit_with_the_summary_first(github, staging_document):
    github.ci(artifact_of(staging_document, crowded(staging_document)))
    github.preview(PREVIEW_TEXT)
    assert github.run().returncode == 0
    (comment,) = github.comments()
    text = comment["body"]
    assert len(text) < GITHUB_LIMIT and text.startswith(MARKER)
    summary = text[: text.index("<details>")]
    for line in (
        "    ~ 1 to update",
        "✅ kitchen-kontrol",
        "### Offline plan of `staging`",
        "### Offline plan of `production`",
    ):
        assert line in summary
    # Whole tables left out, every fold closed, before the note.
    assert "(cut to fit a comment" in text and text.count("<details>") == text.count("</details>")


# ---------------------------------------------------------------------------------------
# ci.yml's plan step, run as GitHub runs it, with a stand-in for `ops plan` (its exit codes).

FAKE_OPS = """#!/bin/sh
# -m ops plan STACK [--json | --compare FILE --json]
stack=$4
case "$*" in
  *--compare*) if grep -q unreadable "$6"; then echo "error: $6: no schemaVersion" >&2; exit 2; fi
               echo "{\\"compared\\": \\"$stack\\"}"; exit "${FAKE_RC:-0}" ;;
  *--json*) echo "{\\"plan\\": \\"$stack\\"}"; exit "${FAKE_RC:-0}" ;;
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
        env = {"PATH": os.environ["PATH"], "PR_NUMBER": pr, "FAKE_RC": str(rc)}
        return run_step(step["run"], cwd=tmp_path, env=env)

    run.files = lambda: {p.name: p.read_text() for p in sorted((tmp_path / "plan-comment").iterdir())}
    run.dir = tmp_path
    return run


def test_the_artifact_holds_both_plans_their_comparisons_and_the_pr_number(plan_step):
    completed = plan_step({"staging": "{}", "production": "{}"})
    assert completed.returncode == 0, completed.stderr
    assert plan_step.files() == {
        "compare-production.json": '{"compared": "production"}\n',
        "compare-staging.json": '{"compared": "staging"}\n',
        "plan-production.json": '{"plan": "production"}\n',
        "plan-staging.json": '{"plan": "staging"}\n',
        "pr-number": "7\n",
    }


def test_a_missing_or_unreadable_base_leaves_the_plan_alone_and_says_so(plan_step):
    completed = plan_step({"production": "unreadable"})
    assert completed.returncode == 0, completed.stderr
    assert set(plan_step.files()) == {"plan-staging.json", "plan-production.json", "pr-number"}
    assert "no plan of the base branch for staging" in completed.stdout
    assert "the base plan of production could not be compared" in completed.stdout


def test_a_mandatory_violation_fails_the_job_but_the_artifact_is_still_written(plan_step):
    completed = plan_step({"staging": "{}", "production": "{}"}, rc=1)
    assert completed.returncode == 1
    assert plan_step.files()["compare-staging.json"] == '{"compared": "staging"}\n'


def test_a_push_plans_without_writing_a_comment(plan_step):
    completed = plan_step({}, pr="")
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == "plan of staging\nplan of production\n"
    assert not (plan_step.dir / "plan-comment").exists()
