"""A resource rule judges only the types it is bound to: the rule object filters, directly and in the pack."""

from __future__ import annotations

from policies.rules import ALL_RULES, aws_required_tags
from policies.rules._support import ResourceRule
from tests.support.policy import run_rule

# Every prop some bound rule would object to, on resources none of them is bound to.
OFFENDING = {
    "storageEncrypted": False,
    "backupRetentionPeriod": 0,
    "skipFinalSnapshot": True,
    "deletionProtection": False,
    "family": "postgres16",
    "parameters": [],
    "serviceDetails": {},
    "ipProtocol": "-1",
    "cidrIpv4": "0.0.0.0/0",
    "ingress": [{"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]}],
}
BOUND = [r for r in ALL_RULES if isinstance(r, ResourceRule) and (r.resource_types or r.packages)]


def test_bound_rules_ignore_other_types(analyze):
    assert {r.name for r in BOUND} >= {"rds-instance-storage-encrypted", "aws-required-tags"}
    for resource_type in ("random:index/randomPassword:RandomPassword", "render:services:EnvVar"):
        for rule in BOUND:
            assert run_rule(rule, resource_type, OFFENDING).violations == [], (rule.name, resource_type)
        diags = analyze(resource_type, OFFENDING)
        assert {d.policy_name for d in diags} & {r.name for r in BOUND} == set(), resource_type


def test_a_package_binding_covers_every_type_of_the_package():
    untagged = {"tags": {}}
    assert run_rule(aws_required_tags.RULE, "aws:lambda/function:Function", untagged).violations
    assert run_rule(aws_required_tags.RULE, "render:services:WebService", untagged).violations == []
