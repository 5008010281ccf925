"""What the app finds on its Render instances: the RDS CA bundle as a secret file that DATABASE_URL and
NODE_EXTRA_CA_CERTS name, the migrations as the pre-deploy command, and a Sentry alert on the environment the
app reports (its NODE_ENV), whatever the stack is called."""

from __future__ import annotations

import pytest
from pulumi.runtime.rpc import is_rpc_secret, unwrap_rpc_secret

from components.rds_ca import bundle_pem
from stacks.config_parsing import ConfigError, parse_settings
from tests.support.plan import only, resources_of

CA_FILE = "/etc/secrets/rds-global-bundle.pem"


@pytest.fixture
def env_values(update_plan):
    return {r.inputs["envVarKey"]: r.inputs["value"] for r in resources_of(update_plan, "render:services:EnvVar")}


def test_the_ca_bundle_is_a_secret_file_of_the_service(update_plan):
    secret_file = only(update_plan, "render:services:SecretFile")
    assert secret_file.inputs["secretFileName"] == "rds-global-bundle.pem"  # pragma: allowlist secret (a file name)
    assert is_rpc_secret(secret_file.inputs["content"])
    assert unwrap_rpc_secret(secret_file.inputs["content"]) == bundle_pem()


def test_database_url_and_node_extra_ca_certs_name_the_secret_file(env_values):
    assert unwrap_rpc_secret(env_values["DATABASE_URL"]).endswith(f"?sslmode=verify-full&sslrootcert={CA_FILE}")
    assert env_values["NODE_EXTRA_CA_CERTS"] == CA_FILE
    for value in env_values.values():
        text = unwrap_rpc_secret(value) if is_rpc_secret(value) else value
        assert "no-verify" not in text and "uselibpqcompat" not in text and "sslmode=require" not in text


def test_the_migrations_run_before_every_deploy(update_plan):
    details = only(update_plan, "render:services:WebService").inputs["serviceDetails"]
    assert details["preDeployCommand"] == "npm run migrate:up -- --migrations-dir db/migrations"


def test_an_empty_pre_deploy_command_turns_the_step_off(plan, project_dir):
    result = plan(project_dir.write_stack(appPreDeployCommand=""), preview=False, root=project_dir)
    assert "preDeployCommand" not in only(result, "render:services:WebService").inputs["serviceDetails"]


@pytest.mark.parametrize("value", ["   ", "npm run migrate:up\nrm -rf /"])
def test_a_blank_or_multi_line_pre_deploy_command_is_refused_naming_the_key(staging_config, value):
    raw = {k.split(":", 1)[1]: v for k, v in staging_config.items() if k.startswith("kitchen-kontrol:")}
    with pytest.raises(ConfigError, match=r"kitchen-kontrol:appPreDeployCommand: .*one line, or \"\" to turn"):
        parse_settings("staging", {**raw, "appPreDeployCommand": value})


def test_the_sentry_alert_filters_on_node_env_not_on_the_stack_name(plan, project_dir):
    # The test stack is called "teststack"; the app reports NODE_ENV.
    result = plan(project_dir.write_stack(appNodeEnv="staging"), preview=False, root=project_dir)
    alert = only(result, "sentry:index/sentryIssueAlert:SentryIssueAlert")
    node_env = {r.inputs["envVarKey"]: r.inputs["value"] for r in resources_of(result, "render:services:EnvVar")}
    assert result.stack == "teststack"
    assert alert.inputs["environment"] == node_env["NODE_ENV"] == "staging"


def test_a_region_the_ca_bundle_lacks_is_refused_naming_aws_region(staging_config):
    raw = {k.split(":", 1)[1]: v for k, v in staging_config.items() if k.startswith("kitchen-kontrol:")}
    # A region the AWS SDK knows, newer than the committed bundle.
    with pytest.raises(ConfigError) as refused:
        parse_settings("staging", raw, config={"aws:region": "mx-central-1"})
    assert "aws:region: the committed RDS CA bundle" in str(refused.value)
    assert "Amazon RDS mx-central-1 Root CA RSA2048 G1" in str(refused.value)
    assert parse_settings("staging", raw, config={"aws:region": "us-east-1"}).aws_region == "us-east-1"


def test_ops_plan_shows_the_secret_file_and_the_pre_deploy_command(staging_document):
    resources = {r["type"]: r for r in staging_document["resources"]}
    shipped = resources["render:services:SecretFile"]["inputs"]
    expected = {"secretFileName": "rds-global-bundle.pem"}  # pragma: allowlist secret (a file name)
    assert shipped == {**expected, "content": "[secret]", "serviceId": "[unknown]"}
    details = resources["render:services:WebService"]["inputs"]["serviceDetails"]
    assert details["preDeployCommand"] == "npm run migrate:up -- --migrations-dir db/migrations"
