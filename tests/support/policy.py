"""The policy pack's test cases: compliant baselines, canaries, a rule run directly, and the
assertions that check a case both directly (pure function) and through the real pack."""

from __future__ import annotations

import copy
import hashlib
from typing import TYPE_CHECKING, Any

from pulumi.output import Unknown
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from ops.analyzer.wire import SECRET_SIG, SECRET_SIG_KEY, Diagnostic, ProviderRecord, ResourceRecord
from policies.rules import checked_during_update
from policies.rules._support import ResourceContext, StackContext, StackResource, Verdict

if TYPE_CHECKING:
    from ops.analyzer.client import PolicyAnalyzer

# Canaries: must never appear in any message.  Letters and digits only, so no encoding
# can disguise them.
CANARY_DB_PASSWORD = "CANARYprodDbPw7f3a9c2e"
CANARY_API_KEY = "CANARYprodApiKey55d1b0"
PROD_ACCOUNT = "111122223333"
STAGING_ACCOUNT = "444455556666"


def sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def secret(value: Any) -> dict[str, Any]:
    """A value wrapped the way the SDK's mock monitor hands over secret inputs."""
    return {SECRET_SIG_KEY: SECRET_SIG, "value": value}


# The policy config the pack tests run with: staging's levels, and the canaries as production's
# secrets (a mapping; the committed file is tests.support.plan.STAGING_POLICY_CONFIG_FILE).
CANARY_POLICY_CONFIG: dict[str, Any] = {
    "all": "mandatory",
    "checked-during-update": "advisory",
    "monitoring-coverage": {"enforcementLevel": "advisory"},
    "no-production-secrets": {
        "productionSecretFingerprints": [sha(CANARY_DB_PASSWORD), sha(CANARY_API_KEY)],
        "productionHosts": ["kitchenkontrol.app", "www.kitchenkontrol.app"],
        "productionDomains": ["prod.kitchenkontrol.internal"],
        "allowedHosts": [],
        "productionAwsAccountIds": [PROD_ACCOUNT],
    },
}

TAGS = {"project": "kitchen-kontrol", "environment": "staging", "managed-by": "pulumi"}

RDS_INSTANCE = "aws:rds/instance:Instance"
PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
WEB_SERVICE = "render:services:WebService"
ENV_VAR = "render:services:EnvVar"
MONITOR = "pulumi-python:dynamic/uptimerobot:Monitor"

BASELINES: dict[str, dict[str, Any]] = {
    RDS_INSTANCE: {
        "engine": "postgres",
        "engineVersion": "16.4",
        "instanceClass": "db.t4g.micro",
        "allocatedStorage": 20,
        "storageEncrypted": True,
        "backupRetentionPeriod": 7,
        "skipFinalSnapshot": False,
        "finalSnapshotIdentifier": "kk-db-final",
        "deletionProtection": True,
        "publiclyAccessible": False,
        "parameterGroupName": "kk-staging-pg",
        "username": "kk",
        "password": "stagingOnlyPassword1",
        "tags": dict(TAGS),
    },
    PARAMETER_GROUP: {
        "name": "kk-staging-pg",
        "family": "postgres16",
        "parameters": [
            {"name": "log_min_duration_statement", "value": "500"},
            {"name": "rds.force_ssl", "value": "1"},
        ],
        "tags": dict(TAGS),
    },
    INGRESS_RULE: {
        "securityGroupId": "sg-db",
        "ipProtocol": "tcp",
        "fromPort": 5432,
        "toPort": 5432,
        "cidrIpv4": "10.0.0.0/16",
        "tags": dict(TAGS),
    },
    SECURITY_GROUP: {
        "vpcId": "vpc-123",
        "ingress": [
            {"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]},
            {"protocol": "tcp", "fromPort": 5432, "toPort": 5432, "cidrBlocks": ["10.0.0.0/16"]},
        ],
        "tags": dict(TAGS),
    },
    WEB_SERVICE: {
        "name": "kitchen-kontrol-staging",
        "ownerId": "tea-123",
        "serviceDetails": {
            "runtime": "node",
            "healthCheckPath": "/healthz",
            "envSpecificDetails": {"buildCommand": "npm ci && npm run build", "startCommand": "npm start"},
        },
        "envVars": [
            {"key": "NODE_ENV", "value": "staging"},
            {"key": "DATABASE_URL", "value": "postgres://kk:stagingOnlyPassword1@kk-staging.rds.test/kk"},
        ],
    },
    ENV_VAR: {"serviceId": "srv-123", "envVarKey": "NODE_ENV", "value": "staging"},
}


def baseline(resource_type: str, **changes: Any) -> dict[str, Any]:
    """A deep copy of the compliant baseline with top-level keys changed (None deletes)."""
    props = copy.deepcopy(BASELINES[resource_type])
    for key, value in changes.items():
        if value is None:
            props.pop(key, None)
        else:
            props[key] = value
    return props


def run_rule(rule: Any, resource_type: str, props: Any, **ctx: Any) -> Verdict:
    """Evaluate a resource rule's pure check directly (no SDK, no process)."""
    ctx.setdefault("config", _rule_config(rule.name))
    return rule.evaluate(ResourceContext(resource_type=resource_type, name="r", props=props, **ctx))


def run_stack_rule(rule: Any, resources: list[StackResource], **ctx: Any) -> Verdict:
    ctx.setdefault("config", {})
    return rule.evaluate(StackContext(resources, **ctx))


def _rule_config(name: str) -> dict[str, Any]:
    entry = CANARY_POLICY_CONFIG.get(name)
    return {k: v for k, v in entry.items() if k != "enforcementLevel"} if isinstance(entry, dict) else {}


def messages(verdict: Verdict) -> list[str]:
    return [f.message for f in verdict.violations]


class Analyze:
    """analyze(type, props, *, stack="staging", dry_run=False, config=None, check="pack", provider=None, policy=None).

    Runs one Analyze through the real pack and returns its diagnostics (for ``policy`` only
    when given).  A ``config`` other than the staging one is restored afterwards; ``check``
    is how strictly the client vets it first (``ops.analyzer.config.reconcile_policy_config``).
    ``packs`` and ``record`` give the same pack and record to an AnalyzeStack.
    """

    def __init__(self, packs: dict[tuple[str, bool], PolicyAnalyzer]) -> None:
        self.packs = packs
        self.touched: set[tuple[str, bool]] = set()

    @staticmethod
    def record(
        resource_type: str, props: dict[str, Any], *, stack: str = "staging", name: str = "r", provider=None
    ) -> ResourceRecord:
        urn = f"urn:pulumi:{stack}::kitchen-kontrol::{resource_type}::{name}"
        return ResourceRecord(urn=urn, type=resource_type, name=name, inputs=props, provider=provider)

    def __call__(
        self,
        resource_type: str,
        props: dict[str, Any],
        *,
        stack: str = "staging",
        dry_run: bool = False,
        config: dict[str, Any] | None = None,
        check: str = "pack",
        provider: ProviderRecord | None = None,
        policy: str | None = None,
        name: str = "r",
    ) -> list[Diagnostic]:
        pack = self.packs[(stack, dry_run)]
        if config is not None:
            self.touched.add((stack, dry_run))
            pack.configure(config, check=check)
        diagnostics = pack.analyze(self.record(resource_type, props, stack=stack, name=name, provider=provider))
        return [d for d in diagnostics if policy is None or d.policy_name == policy]


def assert_case(analyze: Any, rule: Any, resource_type: str, props: dict, expected: list[str], **ctx: Any) -> None:
    """``expected`` are the violation messages (without the description line) for an update of staging."""
    assert messages(run_rule(rule.RULE, resource_type, props, **ctx)) == expected
    stack = ctx.get("stack", "staging")
    diags = analyze(resource_type, props, stack=stack, policy=rule.NAME)
    assert [d.message.split("\n", 1)[1] for d in diags] == expected
    assert all(d.message.split("\n", 1)[0] == rule.RULE.description for d in diags)
    assert all(d.enforcement_level == "mandatory" for d in diags)


def assert_unknown(analyze: Any, rule: Any, resource_type: str, props: dict, key: str) -> None:
    """``props[key]`` unknown: an unknown finding directly, fail closed on update, advisory on preview."""
    direct = dict(props, **{key: UNKNOWN_STRING_VALUE})
    verdict = run_rule(rule.RULE, resource_type, direct)
    assert verdict.violations == [] and [f.unknown_path for f in verdict.unknowns] == [key]
    wire = dict(props, **{key: Unknown()})
    update = analyze(resource_type, wire, policy=rule.NAME)
    assert [(d.enforcement_level, d.message.split("\n", 1)[1]) for d in update] == [
        (
            "mandatory",
            f'{resource_type} "r": {key} is unknown during the update, so it cannot be checked; failing closed',
        )
    ]
    assert analyze(resource_type, wire, dry_run=True, policy=rule.NAME) == []
    assert preview_notes(analyze.packs[("staging", True)], [analyze.record(resource_type, wire)], rule.NAME) == [
        f"{rule.NAME}: 1 resource has values known only during the update; the update checks them and fails closed"
    ]


def preview_notes(pack: Any, resources: list, rule: str) -> list[str]:
    """AnalyzeStack of a preview: checked-during-update's notes about ``rule``, each checked to be an
    advisory at the stack level without a severity."""
    notes = [d for d in pack.analyze_stack(resources) if d.policy_name == checked_during_update.NAME]
    assert all((d.enforcement_level, d.severity, d.urn) == ("advisory", "", "") for d in notes), notes
    assert all(d.message.split("\n", 1)[0] == checked_during_update.RULE.description for d in notes)
    return [text for d in notes if (text := d.message.split("\n", 1)[1]).startswith(f"{rule}: ")]
