"""The resource type tokens the rules look at, each written once.

Full Pulumi type tokens (``package:module/name:Name``), as the engine sends them to the pack.
"""

from __future__ import annotations

STACK = "pulumi:pulumi:Stack"

AWS = "aws"  # the package: every type token starting "aws:"
RDS_INSTANCE = "aws:rds/instance:Instance"
RDS_PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
RDS_SUBNET_GROUP = "aws:rds/subnetGroup:SubnetGroup"
VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
INTERNET_GATEWAY = "aws:ec2/internetGateway:InternetGateway"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"  # the older one-rule-per-resource form
SECURITY_GROUP_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SECURITY_GROUP_EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE_ALARM = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
SNS_TOPIC = "aws:sns/topic:Topic"
KMS_KEY = "aws:kms/key:Key"
KMS_ALIAS = "aws:kms/alias:Alias"
SECRETSMANAGER_SECRET = "aws:secretsmanager/secret:Secret"  # noqa: S105  # pragma: allowlist secret (a type token)
IAM_ROLE = "aws:iam/role:Role"
S3_BUCKET = "aws:s3/bucket:Bucket"
S3_BUCKET_V2 = "aws:s3/bucketV2:BucketV2"

RENDER_WEB_SERVICE = "render:services:WebService"
RENDER_STATIC_SITE = "render:services:StaticSite"
RENDER_ENV_VAR = "render:services:EnvVar"
RENDER_ENV_VARS_FOR_SERVICE = "render:services:EnvVarsForService"
RENDER_CUSTOM_DOMAIN = "render:services:CustomDomain"


def package(resource_type: str) -> str:
    """``aws`` for ``aws:rds/instance:Instance``."""
    return resource_type.split(":", 1)[0]


def is_uptime_monitor(resource_type: str) -> bool:
    """An UptimeRobot monitor: a Python dynamic resource named Monitor, whatever module registers it
    (``pulumi-python:dynamic/uptimerobot:Monitor`` today)."""
    return resource_type.startswith("pulumi-python:dynamic") and resource_type.endswith(":Monitor")
