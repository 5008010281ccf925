"""`--format markdown`: the pull-request comment, rendered to HTML as GitHub's CommonMark would."""

from __future__ import annotations

import copy
import re

import pytest
from markdown_it import MarkdownIt

from ops.plan.compare import compare
from ops.plan.markdown import code, render_comparison, render_plan, text

HOSTILE = "<script>alert(1)</script> | `tick` **bold** [link](https://evil.example) </details>"


def html_of(markdown: str) -> str:
    # GitHub's flavour: CommonMark with tables, raw HTML allowed (<details>), no linkify.
    return MarkdownIt("gfm-like", {"linkify": False}).render(markdown)


@pytest.fixture(scope="module")
def base(staging_document):
    return staging_document


@pytest.fixture(scope="module")
def head_with_violation(staging_document):
    """The staging plan with a bigger database and a mandatory violation on it."""
    head = copy.deepcopy(staging_document)
    db = next(r for r in head["resources"] if r["type"] == "aws:rds/instance:Instance")
    db["inputs"]["instanceClass"] = "db.t4g.small"
    head["diagnostics"].append(
        {
            "policy": "rds-instance-backup-retention",
            "enforcementLevel": "mandatory",
            "severity": "high",
            "urn": db["urn"],
            "deferred": False,
            "message": "RDS instances must keep backups.\nbackupRetentionPeriod is 7 days, need at least 30",
        }
    )
    head["summary"]["mandatoryViolations"] = 1
    head["cost"]["monthly"] = 32.66
    return head


def test_plan_comment_renders_summary_first_and_folds_the_rest(base):
    markdown = render_plan(base)
    first = markdown.splitlines()[0]
    assert first.startswith("### Plan of `staging` (preview): + 63 to create")
    assert "~$20.98/month" in first
    html = html_of(markdown)
    assert html.count("<details>") == html.count("</details>") == 3
    assert "<summary>Cost estimate: ~$20.98/month</summary>" in html
    assert "<table>" in html and "<td>Render</td>" in html
    assert "no-production-secrets: 38 resource(s)" in html  # policy results, in a code block
    assert "passed: aws-required-tags," in html
    assert "<h3>" in html


def test_comparison_puts_mandatory_violations_first_outside_any_fold(base, head_with_violation):
    comparison = compare(base, head_with_violation)
    markdown = render_comparison(comparison, head_with_violation)
    html = html_of(markdown)
    caution = html.index("mandatory policy violation(s)")
    assert caution < html.index("<details>")
    first = markdown.splitlines()[0]
    assert first == (
        "### `staging` (preview): 1 changed, 0 added, 0 removed · **1 mandatory** and 0 advisory violation(s)"
        " (44 checks deferred until values are known) · ~$32.66/month (+$11.68)"
    )
    assert re.search(
        r"<td><code>rds-instance-backup-retention</code></td>\s*<td><code>kitchen-kontrol-staging-db-instance", html
    )
    assert "instanceClass: db.t4g.micro =&gt; db.t4g.small" in html
    assert "Policy verdicts: 1 appeared, 0 disappeared" in html


def test_values_from_the_plan_cannot_inject_markup(base):
    hostile = copy.deepcopy(base)
    hostile["diagnostics"].append(
        {
            "policy": "rds-instance-backup-retention",
            "enforcementLevel": "mandatory",
            "severity": "",
            "urn": None,
            "deferred": False,
            "message": HOSTILE,
        }
    )
    html = html_of(render_plan(hostile))
    assert "<script>" not in html and "<a href" not in html and "<strong>bold" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<details>") == html.count("</details>")  # the injected </details> closed nothing
    cells = html_of(f"| a | b |\n|---|---|\n| {text(HOSTILE)} | {code(HOSTILE)} |\n")
    assert cells.count("<td>") == 2 and "<script>" not in cells  # a pipe in a value splits no cell


def test_code_spans_survive_backticks_and_pipes():
    assert "<td><code>a`b|c</code></td>" in html_of(f"| x |\n|---|\n| {code('a`b|c')} |\n")
    assert html_of(text("*x* `y` _z_")).strip() == "<p>*x* `y` _z_</p>"
