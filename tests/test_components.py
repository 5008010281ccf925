"""What `pulumi up -s staging` would create: secure defaults, secrets marked, env vars beside the service."""

from __future__ import annotations

import pytest
from pulumi.runtime.rpc import is_rpc_secret, unwrap_rpc_secret

from tests.support.plan import CANARY_SECRET, REACHABLE_CIDRS, only, resources_of

RDS = "aws:rds/instance:Instance"
ENV_VAR = "render:services:EnvVar"


@pytest.fixture
def update(update_plan):
    return update_plan


@pytest.fixture
def rds_inputs(update):
    return only(update, RDS).inputs


@pytest.mark.parametrize(
    ("prop", "expected"),
    [
        ("storageEncrypted", True),
        ("skipFinalSnapshot", False),
        ("finalSnapshotIdentifier", "kitchen-kontrol-teststack-final"),
        ("copyTagsToSnapshot", True),
        ("deletionProtection", True),
        ("backupRetentionPeriod", 7),
        ("enabledCloudwatchLogsExports", ["postgresql", "upgrade"]),
        ("autoMinorVersionUpgrade", True),
        ("publiclyAccessible", True),
        ("engine", "postgres"),
        ("engineVersion", "16"),
        ("instanceClass", "db.t4g.micro"),
        ("dbName", "kitchen_kontrol_staging"),
        ("storageType", "gp3"),
    ],
)
def test_rds_secure_defaults(rds_inputs, prop, expected):
    assert rds_inputs[prop] == expected


def test_rds_is_protected_and_password_secret(update, rds_inputs):
    assert only(update, RDS).protect
    assert is_rpc_secret(rds_inputs["password"])


def test_parameter_group_forces_ssl_and_is_attached(update, rds_inputs):
    group = only(update, "aws:rds/parameterGroup:ParameterGroup")
    assert group.inputs["family"] == "postgres16"
    assert {"name": "rds.force_ssl", "value": "1", "applyMethod": "pending-reboot"} in group.inputs["parameters"]
    assert rds_inputs["parameterGroupName"] == group.outputs["name"]


def test_ingress_only_on_5432_from_configured_cidrs(update):
    rules = resources_of(update, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    assert sorted(r.inputs["cidrIpv4"] for r in rules) == sorted(REACHABLE_CIDRS)
    assert {(r.inputs["ipProtocol"], r.inputs["fromPort"], r.inputs["toPort"]) for r in rules} == {("tcp", 5432, 5432)}
    assert not resources_of(update, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
    assert "ingress" not in only(update, "aws:ec2/securityGroup:SecurityGroup").inputs


def test_dedicated_vpc_with_two_zones(update):
    subnets = resources_of(update, "aws:ec2/subnet:Subnet")
    assert len({s.inputs["availabilityZone"] for s in subnets}) == 2
    assert only(update, "aws:ec2/vpc:Vpc").inputs["cidrBlock"] == "10.42.0.0/16"


def test_existing_vpc_is_used_without_creating_one(plan, project_dir):
    result = plan(project_dir.write_stack(dbVpcId="vpc-0123456789abcdef0"), preview=False, root=project_dir)
    assert not resources_of(result, "aws:ec2/vpc:Vpc")
    assert only(result, "aws:ec2/securityGroup:SecurityGroup").inputs["vpcId"] == "vpc-0123456789abcdef0"
    assert [i.token for i in result.invocations if "Subnets" in i.token] == ["aws:ec2/getSubnets:getSubnets"]


def test_every_aws_resource_is_tagged(update):
    for resource in update.resources:
        untaggable = ("routeTableAssociation", "topicSubscription", "kms/alias")  # AWS cannot tag these
        if resource.custom and resource.type.startswith("aws:") and not any(u in resource.type for u in untaggable):
            tags = resource.inputs.get("tags", {})
            assert {"project", "environment", "managed-by"} <= set(tags), resource.type


def test_master_password_avoids_characters_rds_rejects(update):
    password = next(r for r in resources_of(update, "random:index/randomPassword:RandomPassword") if "master" in r.name)
    assert not set(password.inputs["overrideSpecial"]) & set('/@" ')
    assert password.inputs["length"] >= 32


def test_env_vars_live_beside_the_service(update):
    service = only(update, "render:services:WebService")
    assert "envVars" not in service.inputs
    assert service.protect
    details = service.inputs["serviceDetails"]
    assert details["runtime"] == "node" and details["healthCheckPath"] == "/api/health"
    assert details["envSpecificDetails"] == {
        "buildCommand": "npm ci --omit=dev",
        "startCommand": "node server.js",
    }
    # REACT_APP_API_URL is the frontend static site's (tests/render/test_static_site.py).
    keys = sorted(r.inputs["envVarKey"] for r in resources_of(update, ENV_VAR) if r.parent == service.parent)
    assert keys == sorted(
        [
            *("NODE_ENV", "PORT", "LOG_LEVEL", "DATABASE_URL", "JWT_SECRET", "API_URL"),
            *("SENTRY_DSN", "NODE_EXTRA_CA_CERTS"),
        ]
    )


@pytest.fixture
def env_values(update):
    return {r.inputs["envVarKey"]: r.inputs["value"] for r in resources_of(update, ENV_VAR)}


def test_secret_env_vars_are_pulumi_secrets(env_values):
    for key in ("DATABASE_URL", "JWT_SECRET", "SENTRY_DSN"):
        assert is_rpc_secret(env_values[key]), key
    assert unwrap_rpc_secret(env_values["JWT_SECRET"]) == CANARY_SECRET


def test_plain_env_vars(env_values):
    assert env_values["NODE_ENV"] == "staging"
    assert env_values["PORT"] == "3002"
    assert env_values["LOG_LEVEL"] == "info"


def test_api_urls_come_from_the_service_url(env_values):
    assert env_values["API_URL"] == "https://kitchen-kontrol-teststack.onrender.com"


def test_api_urls_use_the_custom_domain(plan, project_dir):
    result = plan(
        project_dir.write_stack(renderCustomDomain="staging.kitchen.example.com"), preview=False, root=project_dir
    )
    values = {r.inputs["envVarKey"]: r.inputs["value"] for r in resources_of(result, ENV_VAR)}
    assert values["API_URL"] == "https://staging.kitchen.example.com"
    assert only(result, "render:services:CustomDomain").inputs["name"] == "staging.kitchen.example.com"
    assert result.outputs["healthUrl"] == "https://staging.kitchen.example.com/api/health"


def test_database_url_is_secret_percent_encoded_and_verifies_the_server(update, env_values):
    url = unwrap_rpc_secret(env_values["DATABASE_URL"])
    assert url == (
        "postgresql://kk_admin:"
        + CANARY_SECRET
        + "@kitchen-kontrol-teststack.placeholder.rds.amazonaws.com:5432/kitchen_kontrol_staging"
        "?sslmode=verify-full&sslrootcert=/etc/secrets/rds-global-bundle.pem"
    )


def test_stack_outputs(update):
    outputs = update.outputs
    assert outputs["appUrl"] == "https://kitchen-kontrol-teststack.onrender.com"
    assert outputs["healthUrl"] == "https://kitchen-kontrol-teststack.onrender.com/api/health"
    assert outputs["databaseEndpoint"].endswith(":5432")
    assert outputs["renderServiceId"] == "srv-placeholder"
    assert outputs["renderDashboardUrl"].startswith("https://dashboard.render.com/")
    assert is_rpc_secret(outputs["databaseUrl"])
    assert is_rpc_secret(outputs["sentryDsn"])
    assert sum(is_rpc_secret(v) for v in outputs.values()) == 2


def test_components_use_project_tokens_and_parent_every_child(update):
    components = [r for r in update.resources if not r.custom]
    assert {c.type for c in components} == {
        "kitchen-kontrol:index:PostgresDatabase",
        "kitchen-kontrol:index:DatabaseNetwork",
        "kitchen-kontrol:index:AppSecrets",
        "kitchen-kontrol:index:RenderEnvironment",
        "kitchen-kontrol:index:RenderWebService",
        "kitchen-kontrol:index:RenderStaticSite",
        "kitchen-kontrol:index:ErrorTracking",
        "kitchen-kontrol:index:UptimeMonitor",
        "kitchen-kontrol:index:DatabaseAlarms",
    }
    component_urns = {c.urn for c in components}
    assert all(r.parent in component_urns for r in update.resources if r.custom)
