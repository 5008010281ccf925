"""Fixtures for the policy pack: compliant baselines, canary secrets, and the real pack over gRPC.

The pack processes are started once per session, one per (stack, dry_run), all at once
(``start()`` does not wait), because the stack and dry-run come from the process env.
"""

from __future__ import annotations

import copy
import hashlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ops.analyzer import (  # noqa: E402 - needs ROOT on sys.path
    SECRET_SIG,
    SECRET_SIG_KEY,
    Diagnostic,
    PolicyAnalyzer,
    ProviderRecord,
    ResourceRecord,
)
from policies.rules._support import ResourceContext, StackContext, StackResource, Verdict  # noqa: E402

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


STAGING_POLICY_CONFIG: dict[str, Any] = {
    "all": "mandatory",
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
    entry = STAGING_POLICY_CONFIG.get(name)
    return {k: v for k, v in entry.items() if k != "enforcementLevel"} if isinstance(entry, dict) else {}


def messages(verdict: Verdict) -> list[str]:
    return [f.message for f in verdict.violations]


# ---------------------------------------------------------------------------------------
# The real pack over the Analyzer protocol

PACK_KEYS = (("staging", False), ("staging", True), ("production", False), ("production", True))


@pytest.fixture(scope="session")
def packs() -> Iterator[dict[tuple[str, bool], PolicyAnalyzer]]:
    started: dict[tuple[str, bool], PolicyAnalyzer] = {}
    try:
        for stack, dry_run in PACK_KEYS:
            started[(stack, dry_run)] = PolicyAnalyzer(
                project="kitchen-kontrol",
                stack=stack,
                dry_run=dry_run,
                policy_config=STAGING_POLICY_CONFIG,
                program_config={"kitchen-kontrol:dbPassword": CANARY_DB_PASSWORD},
                config_secret_keys=["kitchen-kontrol:dbPassword"],
            ).start()
        yield started
    finally:
        for pack in started.values():
            pack.close()


Analyze = Callable[..., list[Diagnostic]]


@pytest.fixture
def analyze(packs: dict[tuple[str, bool], PolicyAnalyzer]) -> Iterator[Analyze]:
    """analyze(type, props, *, stack="staging", dry_run=False, config=None, check="pack", provider=None, policy=None).

    Runs one Analyze through the real pack and returns its diagnostics (for ``policy`` only
    when given).  A ``config`` other than the staging one is restored afterwards; ``check``
    is how strictly the client vets it first (``ops.analyzer.reconcile_policy_config``).
    """
    touched: set[tuple[str, bool]] = set()

    def run(
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
        pack = packs[(stack, dry_run)]
        if config is not None:
            touched.add((stack, dry_run))
            pack.configure(config, check=check)
        record = ResourceRecord(
            urn=f"urn:pulumi:{stack}::kitchen-kontrol::{resource_type}::{name}",
            type=resource_type,
            name=name,
            inputs=props,
            provider=provider,
        )
        diagnostics = pack.analyze(record)
        return [d for d in diagnostics if policy is None or d.policy_name == policy]

    yield run
    for key in touched:
        packs[key].configure(STAGING_POLICY_CONFIG)
