"""ops/plan/comment.py: the one PR comment, summary first, under GitHub's limit, the fork path saying so."""

from __future__ import annotations

import subprocess
import sys

from ops.plan.comment import GITHUB_LIMIT, MARKER, NO_PREVIEW, PREVIEW_FAILED, PREVIEW_PENDING, compose
from tests.support.env import ROOT

BODY = f"{MARKER}\n## Offline plan of this pull request\n\n### `staging` (preview): 1 changed · no violations\n\n" + (
    "<details><summary>All resources</summary>\n\n```text\n" + "row of the plan\n" * 8000 + "```\n</details>\n"
)
PREVIEW = (
    "Previewing update (staging):\n\n ~  render:services:EnvVar log-level update [diff: ~value]\n"
    "Policies:\n    ✅ kitchen-kontrol@v0.1.0 (local: policies)\n\n"
    "Resources:\n    ~ 1 to update\n    50 unchanged\n\n"
)


def test_the_summary_comes_first_and_survives_a_body_over_the_limit():
    comment = compose(BODY, PREVIEW)
    assert len(BODY) > GITHUB_LIMIT and len(comment) < GITHUB_LIMIT
    assert comment.startswith(MARKER)
    summary = comment[: comment.index("<details>")]
    for line in ("Resources:", "    ~ 1 to update", "Policies:", "✅ kitchen-kontrol", "### `staging` (preview)"):
        assert line in summary
    assert "(cut to fit a comment" in comment
    assert comment.count("```") % 2 == 0 and comment.count("<details>") == comment.count("</details>")


def test_a_fork_gets_the_offline_plan_alone_and_is_told_why():
    comment = compose(BODY[:400], None)
    assert NO_PREVIEW in comment and "Resources:" not in comment
    assert "### `staging` (preview)" in comment and "(cut" not in comment


def test_a_same_repo_pr_whose_preview_is_still_running_is_told_it_will_be_edited():
    comment = compose(BODY[:400], None, "pending")
    assert PREVIEW_PENDING in comment and "this comment will be edited" in comment
    assert "fork" not in comment and "### `staging` (preview)" in comment


def test_a_preview_that_ended_without_output_points_at_its_run():
    comment = compose(BODY[:400], None, "failed")
    assert PREVIEW_FAILED in comment and "fork" not in comment


def test_the_preview_text_cannot_close_its_code_fence():
    hostile = PREVIEW.replace("50 unchanged", "50 unchanged ```\n@everyone [link](https://example.invalid)")
    comment = compose(BODY[:400], hostile)
    summary = comment[: comment.index("<details>")]
    fence = summary.split("\n")[summary.split("\n").index("Resources:") - 1].removesuffix("text")
    assert len(fence) > 3 and summary.count(fence) == 2
    assert summary.index(fence) < summary.index("@everyone") < summary.rindex(fence)


def composer(cwd, *args: str) -> subprocess.CompletedProcess:
    # -I: no site-packages, no PYTHONPATH, as the runner's bare python3.
    command = [sys.executable, "-I", str(ROOT / "ops" / "plan" / "comment.py"), *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


def test_the_poster_runs_it_with_the_standard_library_only(tmp_path):
    (tmp_path / "body.md").write_text(BODY[:400])
    (tmp_path / "preview.txt").write_text(PREVIEW)
    done = composer(tmp_path, "body.md", "preview.txt")
    assert done.returncode == 0, done.stderr
    assert done.stdout == compose(BODY[:400], PREVIEW)
    missing = composer(tmp_path, "body.md", "absent.txt")
    assert NO_PREVIEW in missing.stdout
    pending = composer(tmp_path, "body.md", "--preview", "pending")
    assert pending.stdout == compose(BODY[:400], None, "pending")
