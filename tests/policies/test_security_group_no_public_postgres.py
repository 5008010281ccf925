"""security-group-no-public-postgres: ingress rules and inline ingress, v4 and v6, protocols and ranges."""

from __future__ import annotations

import pytest

from policies.rules import security_group_no_public_postgres as rule
from tests.support.policy import INGRESS_RULE, SECURITY_GROUP, assert_case, assert_unknown, baseline, messages, run_rule

R = f'{INGRESS_RULE} "r"'
SG = f'{SECURITY_GROUP} "r"'


def test_baselines_pass(analyze):
    assert_case(analyze, rule, INGRESS_RULE, baseline(INGRESS_RULE), [])
    assert_case(analyze, rule, SECURITY_GROUP, baseline(SECURITY_GROUP), [])


@pytest.mark.parametrize(
    ("changes", "source"),
    [
        ({"cidrIpv4": "0.0.0.0/0"}, "0.0.0.0/0"),
        ({"cidrIpv4": None, "cidrIpv6": "::/0"}, "::/0"),
        ({"cidrIpv4": "0.0.0.0/0", "ipProtocol": "-1", "fromPort": None, "toPort": None}, "0.0.0.0/0"),
        ({"cidrIpv4": "0.0.0.0/0", "fromPort": 0, "toPort": 65535}, "0.0.0.0/0"),
        ({"cidrIpv4": "0.0.0.0/0", "ipProtocol": "6", "fromPort": 5000, "toPort": 6000}, "0.0.0.0/0"),
    ],
)
def test_public_postgres_ingress_rule_fails(analyze, changes, source):
    assert_case(
        analyze, rule, INGRESS_RULE, baseline(INGRESS_RULE, **changes), [f"{R}: allows port 5432 from {source}"]
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"cidrIpv4": "0.0.0.0/0", "fromPort": 443, "toPort": 443},
        {"cidrIpv4": "0.0.0.0/0", "ipProtocol": "udp"},
        {"cidrIpv4": "0.0.0.0/1"},
        {"cidrIpv4": None, "referencedSecurityGroupId": "sg-app"},
    ],
)
def test_other_ingress_passes(changes):
    assert run_rule(rule.RULE, INGRESS_RULE, baseline(INGRESS_RULE, **changes)).violations == []


def test_inline_ingress_is_checked_per_entry(analyze):
    props = baseline(SECURITY_GROUP)
    props["ingress"].append({"protocol": "-1", "fromPort": 0, "toPort": 0, "ipv6CidrBlocks": ["2001:db8::/32", "::/0"]})
    assert_case(analyze, rule, SECURITY_GROUP, props, [f"{SG}: ingress[2] allows port 5432 from ::/0"])


def test_legacy_security_group_rule():
    props = {"type": "ingress", "protocol": "tcp", "fromPort": 5432, "toPort": 5432, "cidrBlocks": ["0.0.0.0/0"]}
    t = "aws:ec2/securityGroupRule:SecurityGroupRule"
    assert messages(run_rule(rule.RULE, t, props)) == [f'{t} "r": allows port 5432 from 0.0.0.0/0']
    assert run_rule(rule.RULE, t, dict(props, type="egress")).violations == []


def test_unknown(analyze):
    assert_unknown(analyze, rule, INGRESS_RULE, baseline(INGRESS_RULE), "cidrIpv4")


def test_remediation_matches_the_design(packs):
    # The database is public on purpose (Render has no private path into AWS): the advice must
    # narrow the security group, never tell the reader to make the database private.
    info = packs[("staging", False)].info()
    advice = next(p.remediation for p in info.policies if p.name == rule.NAME)
    assert "publicly_accessible" not in advice and "private" not in advice.replace("no private path", "")
    assert "dbAllowedCidrs" in advice and "0.0.0.0/0" in advice and "fence" in advice
