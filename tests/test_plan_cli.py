"""`python -m ops plan`: what reviewers read and what CI gates on."""

from __future__ import annotations

import json

import pytest

from ops.errors import UsageError
from ops.plan import PlanRefused, render_text, to_json
from tests.conftest import CANARY_SECRET


@pytest.fixture
def staging_text(cli_plans):
    return cli_plans["staging"]


def test_staging_plan_prints_the_tree_outputs_and_summary(staging_text):
    assert staging_text.returncode == 0, staging_text.stderr
    out = staging_text.stdout
    for expected in (
        "aws:rds/instance:Instance",
        "aws:rds/parameterGroup:ParameterGroup",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "random:index/randomPassword:RandomPassword",
        "render:services:WebService",
        "envVarKey: DATABASE_URL",
        "password: [secret]",
        "value: [secret]",
        "Outputs:",
        "databaseUrl: [secret]",
        "Placeholders (invokes answered by the offline plan",
    ):
        assert expected in out, expected
    assert "Resources: + 51 to create (preview)" in out
    assert staging_text.stderr == ""


def test_json_document(cli_plans):
    completed = cli_plans["staging-json"]
    assert completed.returncode == 0, completed.stderr
    document = json.loads(completed.stdout)
    assert set(document) >= {"stack", "resources", "outputs", "summary"}
    assert document["stack"] == "staging"
    first = document["resources"][0]
    assert set(first) == {"urn", "type", "name", "parent", "inputs"}
    assert document["outputs"]["databaseUrl"] == "[secret]"
    assert document["summary"]["resources"] == len(document["resources"]) + 1
    assert all(p["invoke"] and "placeholder" in json.dumps(p["result"]) for p in document["placeholders"])


def test_production_preview_passes_and_says_the_apply_is_blocked(cli_plans):
    completed = cli_plans["production"]
    assert completed.returncode == 0, completed.stderr
    assert "the apply is blocked (stop before production)" in completed.stdout


def test_production_update_is_refused_naming_the_rule(ops_cli):
    completed = ops_cli("plan", "production", "--as-update")
    assert completed.returncode == 1
    assert completed.stdout == ""
    assert completed.stderr.startswith("error: stop-before-production")
    assert len(completed.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("plan", "nosuch"), "unknown stack 'nosuch': no Pulumi.nosuch.yaml"),
        (("plan", "staging", "--bogus"), "unrecognized arguments: --bogus"),
        (("plan", "../etc"), "stack name"),
        (("frobnicate",), "invalid choice"),
    ],
)
def test_usage_errors_are_one_line_exit_2(ops_cli, args, message):
    completed = ops_cli(*args)
    assert completed.returncode == 2
    assert message in completed.stderr
    assert "Traceback" not in completed.stderr
    assert len(completed.stderr.strip().splitlines()) == 1


def test_bad_config_names_every_key_and_registers_nothing(plan, project_dir):
    with pytest.raises(UsageError) as caught:
        plan(project_dir.write_stack("broken", appPort=70000, dbBackupRetentionDays=1), root=project_dir)
    message = str(caught.value)
    assert "kitchen-kontrol:appPort" in message and "kitchen-kontrol:dbBackupRetentionDays" in message
    assert "Pulumi.broken.yaml" in message


def test_production_update_registers_nothing(plan, project_dir):
    from ops.mocks import PlanMocks
    from ops.plan import run_plan

    mocks = PlanMocks(preview=False)
    with pytest.raises(PlanRefused, match="stop-before-production"):
        run_plan(
            project_dir.write_stack("production", appNodeEnv="production"), preview=False, root=project_dir, mocks=mocks
        )
    assert mocks.registered == 0


def test_open_release_window_lets_the_program_plan_production(plan, project_dir):
    window = {
        "stack": "prod-eu",
        "approvedBy": "Jane Doe",
        "changeReference": "CHG-1",
        "notBefore": "2000-01-01T00:00:00+00:00",
        "notAfter": "2000-01-01T01:00:00+00:00",
    }
    with pytest.raises(PlanRefused, match="closed at 2000-01-01T01:00:00"):
        plan(project_dir.write_stack("prod-eu", releaseWindow=window), preview=False, root=project_dir)


def test_stack_without_project_config_fails_clearly(plan, project_dir):
    (project_dir / "Pulumi.empty.yaml").write_text("config:\n  aws:region: us-east-1\n")
    with pytest.raises(UsageError, match="no kitchen-kontrol:\\* configuration; expected Pulumi.empty.yaml"):
        plan("empty", root=project_dir)


@pytest.mark.parametrize("preview", [True, False])
def test_secrets_never_reach_text_or_json(plan, project_dir, preview):
    result = plan(project_dir.write_stack(), preview=preview, root=project_dir)
    text = render_text(result)
    document = json.dumps(to_json(result))
    assert CANARY_SECRET not in text and CANARY_SECRET not in document
    assert "[secret]" in text and "[secret]" in document
    if preview:
        assert "[unknown]" in text
