"""Credentials, one story: every step that runs the Pulumi CLI gets exactly the secrets
docs/pipeline.md says it needs, under the names the providers read, previews included; the
README and docs never advise putting a provider credential in a stack file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.env import ROOT
from tests.support.workflows import documented_secrets, job_environment, job_secrets

SECRET_REF = re.compile(r"^\$\{\{\s*secrets\.([A-Z0-9_]+)\s*\}\}$")
# One Sentry secret, exported under both names the Sentry provider reads (README, Configuration).
# The drift watch's refresh reads UptimeRobot with a read-only key, under the name the provider reads.
# Production's secrets carry a PRODUCTION_ prefix (docs/pipeline.md) and reach the same names.
ENV_NAMES = {
    "SENTRY_AUTH_TOKEN": ("SENTRY_AUTH_TOKEN", "SENTRY_TOKEN"),
    "UPTIMEROBOT_READONLY_API_KEY": ("UPTIMEROBOT_API_KEY",),
}


def env_names(secret: str) -> tuple[str, ...]:
    bare = secret.removeprefix("PRODUCTION_")
    return ENV_NAMES.get(bare, (bare,))


def expected_env(kind: str, environment: str | None) -> dict[str, str]:
    """env var -> secret, for a step of `kind` (preview, up, verify, refresh) in `environment`, from the docs."""
    expected = {}
    for secret, where, _holds, steps, _why in documented_secrets():
        if where == environment and kind in re.split(r",\s*", steps):
            for name in env_names(secret):
                expected[name] = secret
    return expected


def cli_steps(workflows: dict) -> list[tuple[str, dict, dict, str]]:
    """(workflow, job, step, kind) for every step that runs the Pulumi CLI."""
    found = []
    for file, workflow in workflows.items():
        for job in workflow.get("jobs", {}).values():
            for step in job.get("steps", []):
                uses, run = step.get("uses", ""), step.get("run", "")
                if uses.startswith("pulumi/actions@"):
                    refresh = step["with"].get("refresh") is True
                    found.append((file, job, step, "refresh" if refresh else step["with"]["command"]))
                elif re.search(r"^\s*\S*python -m ops (verify --stack|runbook|readiness) ", run, re.MULTILINE):
                    # They read the stack's outputs through the CLI: the same secrets.
                    found.append((file, job, step, "verify"))
                elif re.search(r"(^|\s)pulumi\s", run):
                    pytest.fail(f"{file}: step {step.get('name')!r} runs pulumi directly; classify it here")
    return found


def secret_env(step: dict) -> dict[str, str]:
    env = {}
    for name, value in (step.get("env") or {}).items():
        match = SECRET_REF.match(str(value))
        if match:
            env[name] = match.group(1)
    return env


def test_the_docs_table_is_there():
    places = {(secret, where) for secret, where, *_ in documented_secrets()}
    staging = {"PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE", "RENDER_APIKEY", "SENTRY_AUTH_TOKEN"}
    assert places == (
        {(name, "preview") for name in staging | {"UPTIMEROBOT_READONLY_API_KEY"}}
        | {(name, "staging") for name in staging | {"UPTIMEROBOT_API_KEY", "UPTIMEROBOT_SLACK_WEBHOOK_URL"}}
        | {(f"PRODUCTION_{name}", "production-preview") for name in staging - {"PULUMI_CONFIG_PASSPHRASE"}}
    )


def test_every_cli_step_gets_exactly_the_documented_secrets(workflows):
    steps = cli_steps(workflows)
    assert {(file, kind) for file, _, _, kind in steps} == {
        ("preview.yml", "preview"),
        ("preview-production.yml", "preview"),
        ("deploy-staging.yml", "up"),
        ("deploy-staging.yml", "verify"),
        ("drift-watch.yml", "refresh"),
        ("drift-watch.yml", "verify"),
    }
    for file, job, step, kind in steps:
        wanted = expected_env(kind, job_environment(job))
        assert wanted, f"{file}: no documented secrets for {kind} in {job_environment(job)!r}"
        assert secret_env(step) == wanted, f"{file}: {step.get('name') or step.get('uses')}"


def test_every_job_with_a_secret_has_an_environment(workflows):
    # No repository secrets: a job without an environment could only read those.
    for file, workflow in workflows.items():
        for job_id, job in workflow.get("jobs", {}).items():
            if job_secrets(job):
                assert job_environment(job), f"{file}:{job_id} reads secrets without an environment"


def test_no_other_step_sees_a_secret(workflows):
    cli = {id(step) for _, _, step, _ in cli_steps(workflows)}
    for file, workflow in workflows.items():
        for job in workflow.get("jobs", {}).values():
            for step in job.get("steps", []):
                if id(step) not in cli:
                    assert secret_env(step) == {}, f"{file}: {step.get('name') or step.get('uses')}"


def _installed(package: str, relative: str) -> str:
    import importlib.util

    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.origin is not None, package
    return (Path(spec.origin).parent / relative).read_text()


def test_names_are_the_ones_the_providers_read():
    from components.sentry.membership import TOKEN_ENV
    from components.uptimerobot.settings import resolve_settings
    from components.uptimerobot.slack import WEBHOOK_ENV

    assert "_utilities.get_env('RENDER_APIKEY')" in _installed("pulumi_render", "provider.py")  # its env default
    sentry_config = _installed("pulumiverse_sentry", "config/vars.py")
    assert "get_env('SENTRY_TOKEN')" in sentry_config  # the bridge's default for sentry:token
    assert "`SENTRY_AUTH_TOKEN`" in sentry_config  # what the Terraform provider inside reads first
    assert TOKEN_ENV == ("SENTRY_AUTH_TOKEN", "SENTRY_TOKEN")
    assert resolve_settings(lambda _k: None, {"UPTIMEROBOT_API_KEY": "k"}).api_key == "k"
    workflow_names = set(expected_env("up", "staging")) - {"PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE"}
    assert workflow_names == {"RENDER_APIKEY", "SENTRY_AUTH_TOKEN", "SENTRY_TOKEN", "UPTIMEROBOT_API_KEY", WEBHOOK_ENV}


def test_the_deploying_doc_lists_the_same_names():
    readme = (ROOT / "docs" / "deploying.md").read_text()
    table = readme.split("| provider | environment variables |", 1)[1].split("\n\n", 1)[0]
    names = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", table))
    provider_names = set(expected_env("up", "staging")) - {"PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE"}
    assert provider_names <= names


@pytest.mark.parametrize("doc", ["README.md", *sorted(p.name for p in (ROOT / "docs").glob("*.md"))])
def test_no_doc_advises_a_provider_credential_in_stack_config(doc):
    path = ROOT / doc if doc == "README.md" else ROOT / "docs" / doc
    for line in path.read_text().splitlines():
        if re.search(r"config set --secret (sentry|uptimerobot|render|aws):", line):
            assert re.search(r"\b(Do not|Never|never)\b", line), f"{doc}: {line.strip()}"
