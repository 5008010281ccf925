"""What a stack file may hold (stacks/stack_keys.py): the project's keys and the provider keys it needs, nothing
that moves a credential or weakens TLS, no unknown key; through `ops plan` (the program refuses, so the engine
does too: tests/engine/test_rehearsal.py)."""

from __future__ import annotations

import pytest
import yaml

from ops.shared.errors import UsageError
from stacks.stack_keys import PROVIDER_KEYS, REFUSED_KEYS
from tests.support.env import ROOT
from tests.support.stack_config import CANARY

ATTACKER = "https://sentry.attacker.example/api/"


def plan_error(plan, project_dir, **overrides) -> str:
    with pytest.raises(UsageError) as caught:
        plan(project_dir.write_stack(**overrides), root=project_dir)
    message = str(caught.value)
    assert message.startswith("invalid configuration in Pulumi.teststack.yaml (stack 'teststack'): ")
    return message


@pytest.mark.parametrize(
    ("key", "value", "why"),
    [
        ("sentry:baseUrl", ATTACKER, "changes where the Sentry provider sends its credentials"),
        ("aws:endpoints", '[{"sts": "https://sts.attacker.example"}]', "changes where the aws provider sends"),
        ("aws:httpProxy", "http://proxy.attacker.example:3128", "changes where the aws provider sends"),
        ("aws:httpsProxy", "http://proxy.attacker.example:3128", "changes where the aws provider sends"),
        ("aws:customCaBundle", "/tmp/attacker-ca.pem", "changes how the aws provider verifies TLS"),
        ("aws:insecure", "true", "changes how the aws provider verifies TLS"),
        ("uptimerobot:apiUrl", "https://collector.attacker.example/v3", "changes where the UptimeRobot provider"),
    ],
)
def test_a_stack_file_key_that_moves_a_credential_or_weakens_tls_is_refused_by_name(plan, project_dir, key, value, why):
    message = plan_error(plan, project_dir, **{key: value})
    assert f"{key}: cannot be set in a stack file: it {why}" in message
    assert value not in message and "attacker" not in message


@pytest.mark.parametrize(
    ("key", "guess"),
    [
        ("kitchen-kontol:dbInstanceClass", "kitchen-kontrol:dbInstanceClass"),
        ("aws:regoin", "aws:region"),
        ("Sentry:token", "sentry:token"),
        ("uptimerobot:maxPage", "uptimerobot:maxPages"),
    ],
)
def test_an_unknown_namespace_or_provider_key_gets_the_closest_known_key(plan, project_dir, key, guess):
    message = plan_error(plan, project_dir, **{key: "db.t4g.small"})
    assert f"{key}: unknown key; did you mean {guess}?" in message


def test_a_provider_key_the_project_does_not_use_is_refused_naming_what_it_may_hold(plan, project_dir):
    message = plan_error(
        plan, project_dir, **{"aws:maxRetries": "3", "render:clearCacheOnServiceUpdateDeployments": "1"}
    )
    assert "aws:maxRetries: not a key this project uses (from aws: only aws:region)" in message
    assert "render:clearCacheOnServiceUpdateDeployments: not a key this project uses (from render: only" in message


def test_aws_region_is_required_and_every_bad_key_is_in_one_error_without_a_value(plan, project_dir):
    message = plan_error(
        plan,
        project_dir,
        **{"aws:region": None, "aws:regoin": CANARY, "sentry:baseUrl": CANARY, "kitchen-kontrol:appPort": "0"},
    )
    assert message.count("; ") >= 3
    assert "aws:region: required; set it in the stack file" in message
    assert "aws:regoin: unknown key; did you mean aws:region?" in message
    assert "sentry:baseUrl: cannot be set in a stack file" in message
    assert "kitchen-kontrol:appPort: expected a value of at least 1" in message
    # the project's keys first, then the others, each once
    assert message.index("kitchen-kontrol:appPort") < message.index("aws:region")
    assert CANARY not in message


def test_the_committed_stack_files_hold_only_known_keys():
    for path in sorted(ROOT.glob("Pulumi.*.yaml")):
        keys = yaml.safe_load(path.read_text())["config"]
        others = {key for key in keys if not key.startswith("kitchen-kontrol:")}
        assert others <= set(PROVIDER_KEYS), path.name
        assert not others & set(REFUSED_KEYS), path.name
