"""The checklist's GitHub environments come from the workflows' jobs: each environment lists what its jobs read."""

from __future__ import annotations

import shutil
from types import SimpleNamespace

import pytest

from ops.checklist.accounts import github_environment_steps
from tests.support.env import ROOT


@pytest.fixture
def workflows_root(tmp_path):
    """A copy of the repository's workflows, to edit."""
    shutil.copytree(ROOT / ".github", tmp_path / ".github")
    return tmp_path


def environment_steps(root, stack: str) -> dict[str, str]:
    """Environment name -> the step's instruction, for the environments whose jobs name `stack`."""
    steps = github_environment_steps(SimpleNamespace(stack=stack), root)
    return {step.title.split("`")[1]: step.action for step in steps}


def secrets_of(action: str) -> set[str]:
    return set(action.split("Environment secrets: ", 1)[1].split(";", 1)[0].split(", "))


def test_each_stack_lists_the_environments_its_jobs_use(workflows_root):
    staging = environment_steps(workflows_root, "staging")
    assert set(staging) == {"preview", "staging"}
    assert "all branches; no required reviewers" in staging["preview"]
    assert "*Prevent self-review*" in staging["staging"] and "→ `main`" in staging["staging"]
    assert "UPTIMEROBOT_READONLY_API_KEY" in secrets_of(staging["preview"])
    assert "UPTIMEROBOT_API_KEY" in secrets_of(staging["staging"])
    (production,) = environment_steps(workflows_root, "production").values()
    assert secrets_of(production) == {
        "PRODUCTION_PULUMI_ACCESS_TOKEN",
        "PRODUCTION_RENDER_APIKEY",
        "PRODUCTION_SENTRY_AUTH_TOKEN",
    }
    assert "repository variables: AWS_REGION" in production and "*Prevent self-review*" in production


def test_a_secret_moved_to_another_environment_is_listed_there(workflows_root):
    drift = workflows_root / ".github" / "workflows" / "drift-watch.yml"
    text = drift.read_text()
    assert "environment: preview" in text
    drift.write_text(text.replace("environment: preview", "environment: staging", 1))
    steps = environment_steps(workflows_root, "staging")
    assert "UPTIMEROBOT_READONLY_API_KEY" not in secrets_of(steps["preview"])
    assert "UPTIMEROBOT_READONLY_API_KEY" in secrets_of(steps["staging"])
