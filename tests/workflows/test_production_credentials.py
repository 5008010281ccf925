"""No credential that reaches production is available to a pull-request job.

What a PR job can read: every repository secret, the secrets of its own environment, and
those of any environment without a branch rule (a same-repo branch can edit a workflow to
use it). `leaks()` checks the workflows against docs/pipeline.md's secrets and environments
tables; the synthetic workflows below prove each way it can fail.
"""

from __future__ import annotations

import pytest

from ops.checklist.probes import job_stacks  # the checklist reads a job's stacks the same way
from stacks.guard import is_production
from tests.support.workflows import (
    documented_environments,
    documented_secrets,
    job_environment,
    job_secrets,
    triggered_by_pull_requests,
)


def documented_locations() -> dict[str, set[str]]:
    """secret -> the environments it is created in ("repository" for a repository secret)."""
    where: dict[str, set[str]] = {}
    for secret, place, *_ in documented_secrets():
        where.setdefault(secret, set()).add(place)
    return where


def _touches_production(job: dict) -> bool:
    return any(is_production(stack) for stack in job_stacks(job))


def leaks(workflows: dict[str, dict], where: dict[str, set[str]], environments: dict[str, dict]) -> list[str]:
    """Every way a secret used by a production job is available to a pull-request job."""
    open_envs = {name for name, env in environments.items() if env["branches"] != "main"}
    pr_jobs = [
        (f"{file}:{job_id}", job)
        for file, wf in workflows.items()
        if triggered_by_pull_requests(wf)
        for job_id, job in wf["jobs"].items()
    ]
    pr_names = {name for _, job in pr_jobs for name in job_secrets(job)}
    pr_envs = {job_environment(job) for _, job in pr_jobs} | open_envs
    out = []
    for file, wf in workflows.items():
        for job_id, job in wf["jobs"].items():
            secrets = job_secrets(job)
            if not secrets or not _touches_production(job):
                continue
            here, env = f"{file}:{job_id}", job_environment(job)
            if env is None:
                out.append(f"{here}: uses secrets without an environment, so they are repository secrets")
                continue
            if env in pr_envs:
                out.append(f"{here}: its environment `{env}` is open to pull-request jobs")
            rule = environments.get(env)
            if rule is None or rule["branches"] != "main" or rule["reviewers"] != "yes":
                out.append(f"{here}: environment `{env}` must be documented with branch `main` and required reviewers")
            for name in sorted(secrets):
                places = where.get(name, set())
                if places != {env}:
                    out.append(f"{here}: secret {name} must live only in environment `{env}`, documented: {places}")
                if name in pr_names:
                    out.append(f"{here}: secret {name} is also used by a pull-request job")
    return out


def test_no_production_secret_is_available_to_a_pull_request_job(workflows):
    assert leaks(workflows, documented_locations(), documented_environments()) == []


def test_the_production_preview_is_the_job_this_check_covers(workflows):
    job = workflows["preview-production.yml"]["jobs"]["preview-production"]
    assert _touches_production(job) and job_environment(job) == "production-preview"
    names = {"PRODUCTION_PULUMI_ACCESS_TOKEN", "PRODUCTION_RENDER_APIKEY", "PRODUCTION_SENTRY_AUTH_TOKEN"}
    assert job_secrets(job) == names


def test_no_secret_is_a_repository_secret():
    assert [name for name, places in documented_locations().items() if "repository" in places] == []


# --------------------------------------------------------------------------- the check can fail

WHERE = {"PROD_KEY": {"production-preview"}, "STAGING_KEY": {"preview"}, "REPO_KEY": {"repository"}}
ENVS = {
    "preview": {"branches": "all branches", "reviewers": "no"},
    "production-preview": {"branches": "main", "reviewers": "yes"},
    "lax": {"branches": "all branches", "reviewers": "yes"},
}


def _job(stack: str, secret: str, environment: str | None = None) -> dict:
    step = {"uses": "pulumi/actions@v6", "with": {"command": "preview", "stack-name": stack}}
    step["env"] = {"KEY": "${{ secrets." + secret + " }}"}
    job = {"runs-on": "ubuntu-latest", "steps": [step]}
    if environment:
        job["environment"] = environment
    return job


def _workflows(production_job: dict, pr_job: dict | None = None) -> dict[str, dict]:
    found = {"prod.yml": {"on": {"workflow_dispatch": None}, "jobs": {"p": production_job}}}
    if pr_job:
        found["pr.yml"] = {"on": {"pull_request": None}, "jobs": {"q": pr_job}}
    return found


@pytest.mark.parametrize(
    ("workflows_", "expected"),
    [
        # Today's layout: production's preview read repository secrets.
        (_workflows(_job("production", "REPO_KEY")), "without an environment"),
        (_workflows(_job("production", "REPO_KEY", "production-preview")), "must live only in environment"),
        (_workflows(_job("production", "STAGING_KEY", "preview")), "open to pull-request jobs"),
        (_workflows(_job("production", "PROD_KEY", "lax")), "must be documented with branch `main`"),
        (
            _workflows(_job("production", "PROD_KEY", "production-preview"), _job("staging", "PROD_KEY", "preview")),
            "also used by a pull-request job",
        ),
        (
            _workflows(_job("prod-eu", "PROD_KEY", "production-preview"), _job("staging", "X", "production-preview")),
            "open to pull-request jobs",
        ),
    ],
)
def test_the_check_catches_a_leak(workflows_, expected):
    found = leaks(workflows_, WHERE, ENVS)
    assert any(expected in problem for problem in found), found


def test_the_check_accepts_separated_credentials():
    safe = _workflows(_job("production", "PROD_KEY", "production-preview"), _job("staging", "STAGING_KEY", "preview"))
    assert leaks(safe, WHERE, ENVS) == []
