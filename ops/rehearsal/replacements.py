"""Create-only properties: a change to one replaces the resource, a change to any other updates it in place.

Taken from the providers' documentation (pulumi-aws and pulumi-random "forces a new resource",
the Render API's create-only fields, the Sentry provider's "requires replace"); short on purpose:
only the types this program declares, only their top-level input names.
"""

from __future__ import annotations

CREATE_ONLY: dict[str, frozenset[str]] = {
    "aws:ec2/vpc:Vpc": frozenset({"cidrBlock", "instanceTenancy"}),
    "aws:ec2/subnet:Subnet": frozenset({"vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId"}),
    "aws:ec2/routeTable:RouteTable": frozenset({"vpcId"}),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": frozenset({"subnetId", "gatewayId"}),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": frozenset({"vpcId"}),
    "aws:ec2/securityGroup:SecurityGroup": frozenset({"name", "namePrefix", "vpcId", "description"}),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": frozenset({"securityGroupId"}),
    "aws:rds/subnetGroup:SubnetGroup": frozenset({"name", "namePrefix"}),
    "aws:rds/parameterGroup:ParameterGroup": frozenset({"name", "namePrefix", "family", "description"}),
    "aws:rds/instance:Instance": frozenset(
        {
            "identifier",
            "identifierPrefix",
            "engine",
            "dbName",
            "username",
            "availabilityZone",
            "storageEncrypted",
            "kmsKeyId",
            "characterSetName",
            "restoreToPointInTime",
            "snapshotIdentifier",
        }
    ),
    "aws:rds/snapshot:Snapshot": frozenset({"dbInstanceIdentifier", "dbSnapshotIdentifier"}),
    "aws:sns/topic:Topic": frozenset({"name", "namePrefix", "fifoTopic"}),
    "aws:sns/topicSubscription:TopicSubscription": frozenset({"topic", "protocol", "endpoint"}),
    "aws:cloudwatch/metricAlarm:MetricAlarm": frozenset({"name"}),
    "aws:kms/key:Key": frozenset({"customerMasterKeySpec", "keyUsage", "multiRegion"}),
    "aws:kms/alias:Alias": frozenset({"name", "namePrefix"}),
    "random:index/randomPassword:RandomPassword": frozenset(
        {
            "length",
            "special",
            "upper",
            "lower",
            "numeric",
            "number",
            "minUpper",
            "minLower",
            "minNumeric",
            "minSpecial",
            "overrideSpecial",
            "keepers",
        }
    ),
    # environmentId is not among the properties of Render's PATCH /services/{id}: a change replaces the
    # service. ResourcesToEnvironment (POST /environments/{id}/resources) moves it in place instead.
    "render:services:WebService": frozenset({"ownerId", "type", "environmentId"}),
    "render:services:StaticSite": frozenset({"ownerId", "type", "environmentId"}),
    "render:projects:Project": frozenset({"ownerId", "environments"}),
    "render:environments:Environment": frozenset({"projectId"}),
    "render:environments:ResourcesToEnvironment": frozenset({"environmentId", "resourceIds"}),
    "render:services:EnvVar": frozenset({"serviceId", "envVarKey"}),
    "render:services:SecretFile": frozenset({"serviceId", "secretFileName"}),
    "render:services:CustomDomain": frozenset({"serviceId", "name"}),
    # A deploy is an event: any change is a new deploy.
    "render:services:Deploy": frozenset({"serviceId", "clearCache", "commitId", "imageUrl"}),
    "sentry:index/sentryTeam:SentryTeam": frozenset({"organization"}),
    "sentry:index/sentryProject:SentryProject": frozenset({"organization"}),
    "sentry:index/sentryKey:SentryKey": frozenset({"organization", "project"}),
    "sentry:index/sentryIssueAlert:SentryIssueAlert": frozenset({"organization", "project"}),
    "sentry:index/sentryOrganizationMember:SentryOrganizationMember": frozenset({"organization", "email"}),
}


def create_only(resource_type: str) -> frozenset[str]:
    return CREATE_ONLY.get(resource_type, frozenset())
