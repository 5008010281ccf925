"""docs/pipeline.md says plainly what a same-repo branch can do to staging through the `preview` environment
(all branches, no reviewers) and which GitHub settings narrow it (issue 29)."""

from __future__ import annotations

from tests.support.env import ROOT
from tests.support.workflows import documented_environments, documented_secrets

HEADING = "## What a same-repo branch can do to staging (the `preview` environment)"


def _section() -> str:
    text = (ROOT / "docs" / "pipeline.md").read_text()
    assert HEADING in text
    return text.split(HEADING, 1)[1].split("\n## ", 1)[0]


def test_the_section_names_every_credential_the_preview_environment_holds():
    in_preview = {row[0] for row in documented_secrets() if row[1] == "preview"}
    assert in_preview, "the secrets table lists the preview environment's secrets"
    section = _section()
    assert [name for name in sorted(in_preview | {"AWS_PREVIEW_ROLE_ARN"}) if f"`{name}`" not in section] == []


def test_the_section_says_what_a_branch_can_do_and_which_settings_narrow_it():
    assert documented_environments()["preview"] == {"branches": "all branches", "reviewers": "no"}
    section = _section()
    for effect in ("read every staging secret", "change or delete staging's Render service", "not** reach production"):
        assert effect in section
    for setting in ("Required reviewers on `preview`", "Deployment branches", "repository ruleset", "OIDC subject"):
        assert setting in section
