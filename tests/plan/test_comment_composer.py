"""ops/plan/comment.py: the one PR comment, summary first, under GitHub's limit, the fork path saying so; and inert:
whatever the pull request's code wrote into its plans or preview, the comment's markup is the composer's own."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from ops.plan.comment import GITHUB_LIMIT, MARKER, NO_PREVIEW, PREVIEW_FAILED, PREVIEW_PENDING, compose, load
from tests.support.env import ROOT
from tests.support.plan_comment import (
    HOSTILE,
    HOSTILE_LINE,
    artifact_files,
    artifact_of,
    crowded,
    html_of,
    rewritten_files,
    tokens,
    with_marker_resource,
    write_files,
)

PREVIEW = (
    "Previewing update (staging):\n\n ~  render:services:EnvVar log-level update [diff: ~value]\n"
    "Policies:\n    ✅ kitchen-kontrol@v0.1.0 (local: policies)\n\n"
    "Resources:\n    ~ 1 to update\n    50 unchanged\n\n"
)


@pytest.fixture(scope="module")
def files(staging_document) -> dict[str, str]:
    """ci.yml's artifact for a PR that adds the resource `first push` to both stacks, compared with the base."""
    return artifact_files(staging_document)


@pytest.fixture
def plans(tmp_path, files):
    return load(write_files(tmp_path / "plan-comment", files))


def summary_of(comment: str) -> str:
    return comment[: comment.index("<details>")]


def test_the_summary_holds_the_preview_and_each_stacks_headline_and_the_details_the_changes(plans):
    comment = compose(plans, PREVIEW)
    assert comment.startswith(MARKER + "\n")
    summary = summary_of(comment)
    for line in ("Resources:", "    ~ 1 to update", "Policies:", "✅ kitchen-kontrol"):
        assert line in summary
    for stack in ("staging", "production"):
        assert f"### Offline plan of `{stack}` (preview): 0 changed, 1 added, 0 removed · no mandatory violations" in (
            summary
        )
    assert "| added | `kitchen-kontrol:index:Marker` | `first push` |" in comment


def test_the_summary_comes_first_and_survives_details_over_the_limit(tmp_path, staging_document):
    files = artifact_of(staging_document, crowded(staging_document))
    comment = compose(load(write_files(tmp_path, files)), PREVIEW)
    assert sum(len(text) for text in files.values()) > GITHUB_LIMIT > len(comment)
    summary = summary_of(comment)
    assert "    ~ 1 to update" in summary and "### Offline plan of `production`" in summary
    assert "(cut to fit a comment" in comment
    assert comment.count("<details>") == comment.count("</details>") and comment.count("```") % 2 == 0


def test_the_summary_stays_under_the_limit_whatever_the_pr_writes(tmp_path, staging_document):
    head = crowded(staging_document, 200)
    head["diagnostics"] = [{**d, "enforcementLevel": "mandatory"} for d in head["diagnostics"]]
    head["summary"]["mandatoryViolations"] = len(head["diagnostics"])
    preview = "Resources:\n" + "    + 1 to create\n" * 50_000 + "\nPolicies:\n" + "    ❌ violated\n" * 50_000
    comment = compose(load(write_files(tmp_path, artifact_of(staging_document, head))), preview)
    assert len(comment) < GITHUB_LIMIT
    assert "… and 190 more (see the ci run)" in summary_of(comment)


def test_a_fork_gets_the_offline_plan_alone_and_is_told_why(plans):
    comment = compose(plans, None)
    assert NO_PREVIEW in comment and "Resources:" not in comment
    assert "### Offline plan of `staging`" in comment and "(cut" not in comment


def test_a_same_repo_pr_whose_preview_is_still_running_is_told_it_will_be_edited(plans):
    comment = compose(plans, None, "pending")
    assert PREVIEW_PENDING in comment and "this comment will be edited" in comment
    assert "fork" not in comment and "### Offline plan of `staging`" in comment


def test_a_preview_that_ended_without_output_points_at_its_run(plans):
    comment = compose(plans, None, "failed")
    assert PREVIEW_FAILED in comment and "fork" not in comment


def test_the_preview_text_cannot_close_its_code_fence(plans):
    hostile = PREVIEW.replace("50 unchanged", "50 unchanged ```\n@everyone [link](https://example.invalid)")
    summary = summary_of(compose(plans, hostile))
    fence = summary.split("\n")[summary.split("\n").index("Resources:") - 1].removesuffix("text")
    assert len(fence) > 3 and summary.count(fence) == 2
    assert summary.index(fence) < summary.index("@\u200beveryone") < summary.rindex(fence)


def test_without_a_base_each_stack_is_the_branchs_plan_alone_and_says_so(tmp_path, staging_document):
    comment = compose(load(write_files(tmp_path, artifact_files(staging_document, compared=False))), None)
    assert "### Offline plan of `staging` (preview): 64 resources (not compared with the base)" in comment
    assert "No plan of the base branch could be compared" in comment


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        (lambda f: f.pop("plan-staging.json"), "the artifact holds no plan of it"),
        (lambda f: f.update({"plan-staging.json": "{not json"}), "not a valid plan document"),
        (lambda f: f.update({"plan-staging.json": f["plan-production.json"]}), "another stack's plan"),
        (lambda f: f.update({"plan-staging.json": f["compare-staging.json"]}), "another stack's plan, or a comparison"),
    ],
)
def test_a_plan_that_is_missing_or_not_valid_is_not_shown_and_the_comment_says_why(tmp_path, files, change, shown):
    files = dict(files)
    change(files)
    comment = compose(load(write_files(tmp_path, files)), None)
    assert "### Offline plan of `staging`: not shown" in comment and shown in comment
    assert "### Offline plan of `production` (preview): 0 changed, 1 added" in comment


def test_a_comparison_of_another_plan_is_dropped_for_the_plan_alone(tmp_path, files, staging_document):
    other = dict(files, **{"compare-staging.json": artifact_files(staging_document, "other")["compare-staging.json"]})
    other["compare-staging.json"] = other["compare-staging.json"].replace('"resources": 64', '"resources": 65')
    comment = compose(load(write_files(tmp_path, other)), None)
    assert "The comparison with the base is not of this plan: this is the branch's plan alone." in comment
    assert "### Offline plan of `staging` (preview): 64 resources (not compared with the base)" in comment


# ---------------------------------------------------------------------------------------
# Hostile: every string of both plans and comparisons, and the preview, carry HOSTILE.


def structure(markdown: str) -> list[tuple]:
    """The comment's shape: block tokens, headings' text and raw HTML, but no content of code spans or cells."""
    shape = []
    for token in tokens(markdown):
        if token.type in ("inline", "text", "code_inline", "fence", "softbreak"):
            continue
        shape.append((token.type, token.tag, token.content if token.type.startswith("html") else ""))
    return shape


def cell_borders(markdown: str) -> list[int]:
    """The cell borders of each table row as GitHub counts them: every `|` that no backslash escapes."""
    return [len(re.findall(r"(?<!\\)\|", line)) for line in markdown.splitlines() if line.startswith("|")]


def headings(markdown: str) -> list[str]:
    found = tokens(markdown)
    return [found[i + 1].content for i, t in enumerate(found) if t.type == "heading_open"]


@pytest.fixture
def hostile_and_harmless(tmp_path, staging_document):
    """The comment of a hostile artifact and preview, and of a harmless one of the same lengths (same cuts)."""
    head = with_marker_resource(staging_document, "first push")
    rds = next(r for r in head["resources"] if r["type"] == "aws:rds/instance:Instance")
    violation = {"policy": "rds-backups", "enforcementLevel": "mandatory", "severity": "high", "deferred": False}
    head["diagnostics"].append({**violation, "urn": rds["urn"], "message": "backups are off"})
    head["summary"]["mandatoryViolations"] = 1
    files = artifact_of(staging_document, head)
    harmless = re.sub(r"[^\n]", "a", HOSTILE)
    comments = []
    for name, suffix in (("hostile", HOSTILE), ("harmless", harmless)):
        rewritten = rewritten_files(files, suffix, suffix.replace("\n", " "))
        preview = PREVIEW.replace("50 unchanged", "50 unchanged " + suffix).replace("(local", suffix + "(local")
        comments.append(compose(load(write_files(tmp_path / name, rewritten)), preview, head_sha="a" * 40))
    return comments


def test_the_hostile_plan_is_shown_but_becomes_no_markup(hostile_and_harmless):
    hostile, harmless = hostile_and_harmless
    summary = summary_of(hostile)
    assert "Mandatory policy violations block the update" in summary and "evil.example" in summary  # shown, as data
    assert "@\u200brubyrayjuntos/kitchen-kontrol-production-owners" in summary
    # Same shape as the harmless comment: nothing outside the composer's headings, tables, folds and fences.
    assert structure(hostile) == structure(harmless)
    # GitHub splits a table row on every pipe not escaped, inside code spans too (markdown-it-py does not).
    assert cell_borders(hostile) == cell_borders(harmless)
    assert headings(hostile) == headings(harmless)
    assert all("forged" not in h and "no changes" not in h for h in headings(hostile))
    found = tokens(hostile)
    raw_html = {t.content.strip() for t in found if t.type in ("html_block", "html_inline")}
    assert raw_html == {
        MARKER,
        "<details><summary>Offline plan of staging: changes, cost, policy verdicts</summary>",
        "<details><summary>Offline plan of production: changes, cost, policy verdicts</summary>",
        "</details>",
    }
    assert not [t for t in found if t.type in ("link_open", "image")]
    # The PR's strings are only ever code: no text node holds any of them (GitHub would autolink a bare URL).
    plain = " ".join(t.content for t in found if t.type == "text")
    assert not re.search(r"evil|forged|octocat|production-owners|www\.", plain)
    # No live mention anywhere, even inside code.
    assert not re.search(r"@[A-Za-z0-9]", html_of(hostile))


def test_a_hostile_key_in_a_document_that_is_not_valid_becomes_no_markup(tmp_path, files):
    bad = json.loads(files["plan-staging.json"])
    bad[HOSTILE_LINE] = 1
    comment = compose(load(write_files(tmp_path, dict(files, **{"plan-staging.json": json.dumps(bad)}))), None)
    assert "not a valid plan document" in comment and "is not a key the schema allows" in comment
    found = tokens(comment)
    assert not [t for t in found if t.type in ("link_open", "image")]
    assert {t.content.strip() for t in found if t.type.startswith("html")} <= {
        MARKER,
        "<details><summary>Offline plan of production: changes, cost, policy verdicts</summary>",
        "</details>",
    }
    assert headings(comment)[:1] == ["Plan of this pull request"] and len(headings(comment)) == 3


def composer(cwd, *args: str) -> subprocess.CompletedProcess:
    # -I: no site-packages, no PYTHONPATH, no script folder on sys.path, as the runner's bare python3.
    command = [sys.executable, "-I", str(ROOT / "ops" / "plan" / "comment.py"), *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


def test_the_poster_runs_it_with_the_standard_library_only(tmp_path, files):
    directory = write_files(tmp_path / "plan-comment", files)
    (tmp_path / "preview.txt").write_text(PREVIEW)
    done = composer(tmp_path, "plan-comment", "preview.txt", "--head-sha", "b" * 40)
    assert done.returncode == 0, done.stderr
    assert done.stdout == compose(load(directory), PREVIEW, head_sha="b" * 40)
    assert "(`bbbbbbbbbbbb`)" in done.stdout
    missing = composer(tmp_path, "plan-comment", "absent.txt")
    assert NO_PREVIEW in missing.stdout
    pending = composer(tmp_path, "plan-comment", "--preview", "pending")
    assert pending.stdout == compose(load(directory), None, "pending")
