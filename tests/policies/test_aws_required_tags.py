"""aws-required-tags: project, environment and managed-by on taggable AWS resources."""

from __future__ import annotations

import json

import pytest

from policies.rules import aws_required_tags as rule
from tests.support.policy import (
    INGRESS_RULE,
    RDS_INSTANCE,
    TAGS,
    assert_case,
    assert_unknown,
    baseline,
    messages,
    run_rule,
)

DB = f'{RDS_INSTANCE} "r"'


def test_baseline_passes(analyze):
    assert_case(analyze, rule, RDS_INSTANCE, baseline(RDS_INSTANCE), [])


@pytest.mark.parametrize(
    ("tags", "missing"),
    [
        ({"project": "kk", "environment": "staging"}, "managed-by"),
        ({"project": "kk", "environment": "", "managed-by": "pulumi"}, "environment"),
        (None, "project, environment, managed-by"),
    ],
)
def test_missing_tags_fail(analyze, tags, missing):
    assert_case(analyze, rule, RDS_INSTANCE, baseline(RDS_INSTANCE, tags=tags), [f"{DB}: missing tag(s) {missing}"])


def test_any_aws_resource_with_a_tags_input_counts():
    t = "aws:lambda/function:Function"
    assert messages(run_rule(rule.RULE, t, {"tags": {"project": "kk"}})) == [
        f'{t} "r": missing tag(s) environment, managed-by'
    ]
    assert (
        run_rule(rule.RULE, "aws:ec2/routeTableAssociation:RouteTableAssociation", {"subnetId": "s"}).violations == []
    )
    assert run_rule(rule.RULE, "render:services:WebService", {}).violations == []


def test_provider_default_tags_count():
    provider = {"region": "us-east-1", "defaultTags": json.dumps({"tags": TAGS})}
    props = baseline(INGRESS_RULE, tags=None)
    assert run_rule(rule.RULE, INGRESS_RULE, props, provider_props=provider).violations == []
    assert len(run_rule(rule.RULE, INGRESS_RULE, props).violations) == 1


def test_unknown(analyze):
    assert_unknown(analyze, rule, RDS_INSTANCE, baseline(RDS_INSTANCE), "tags")
