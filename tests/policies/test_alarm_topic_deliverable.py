"""alarm-topic-deliverable: an alarm's topic under an AWS-managed key (or a key CloudWatch may not
use) is refused; a compliant baseline, one-property mutations, unknowns; directly and through the
real pack's AnalyzeStack."""

from __future__ import annotations

import copy
import json

import pytest
from pulumi.output import Unknown

from ops.analyzer.wire import ResourceRecord
from policies.rules import _types as types
from policies.rules import alarm_topic_deliverable as rule
from policies.rules._support import StackResource
from tests.support.policy import messages, preview_notes, run_stack_rule

ACCOUNT = "444455556666"
TOPIC_ARN = f"arn:aws:sns:us-east-1:{ACCOUNT}:kk-alarms"
KEY_ARN = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
TOPIC_LABEL = 'aws:sns/topic:Topic "topic"'
GOOD_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"},
        {
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "Resource": "*",
        },
    ],
}
BASELINE = {
    "alarm": (types.METRIC_ALARM, {"alarmActions": [TOPIC_ARN], "okActions": [TOPIC_ARN], "metricName": "CPU"}),
    "topic": (types.SNS_TOPIC, {"arn": TOPIC_ARN, "kmsMasterKeyId": KEY_ARN}),
    "key": (types.KMS_KEY, {"arn": KEY_ARN, "keyId": KEY_ARN.rsplit("/", 1)[1], "policy": json.dumps(GOOD_POLICY)}),
    "alias": (types.KMS_ALIAS, {"name": "alias/kk-alarms", "targetKeyId": KEY_ARN}),
}


def stack(**changes: dict) -> dict[str, tuple[str, dict]]:
    """The compliant baseline with per-resource property changes (a None value deletes the key)."""
    resources = copy.deepcopy(BASELINE)
    for name, props in changes.items():
        for key, value in props.items():
            if value is None:
                resources[name][1].pop(key, None)
            else:
                resources[name][1][key] = value
    return resources


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:staging::kitchen-kontrol::{type_}::{name}"


def direct(resources: dict) -> list[str]:
    state = [StackResource(t, n, urn(t, n), p) for n, (t, p) in resources.items()]
    return messages(run_stack_rule(rule.RULE, state))


def through_pack(packs, resources: dict, *, dry_run: bool = False) -> list:
    records = [ResourceRecord(urn=urn(t, n), type=t, name=n, inputs=p) for n, (t, p) in resources.items()]
    return [d for d in packs[("staging", dry_run)].analyze_stack(records) if d.policy_name == rule.NAME]


def assert_case(packs, resources: dict, expected: list[str]) -> None:
    assert direct(resources) == expected
    diags = through_pack(packs, resources)
    assert [d.message.split("\n", 1)[1] for d in diags] == expected
    assert all(d.enforcement_level == "mandatory" for d in diags)
    assert all(d.urn == urn(types.SNS_TOPIC, "topic") for d in diags)


MANAGED = f'{TOPIC_LABEL}: encrypted with the AWS-managed key alias/aws/sns, which CloudWatch cannot use, so alarm(s) "alarm" would notify nobody'  # noqa: E501
NO_GRANT = f'{TOPIC_LABEL}: its key aws:kms/key:Key "key" has no policy statement letting cloudwatch.amazonaws.com use kms:Decrypt and kms:GenerateDataKey*, so alarm(s) "alarm" would notify nobody'  # noqa: E501


def test_baseline_passes(packs):
    assert_case(packs, stack(), [])


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param({"topic": {"kmsMasterKeyId": "alias/aws/sns"}}, [MANAGED], id="aws-managed-alias"),
        pytest.param(
            {"topic": {"kmsMasterKeyId": f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/aws/sns"}},
            [MANAGED],
            id="aws-managed-alias-arn",
        ),
        pytest.param(
            {"key": {"policy": json.dumps({"Statement": GOOD_POLICY["Statement"][:1]})}}, [NO_GRANT], id="no-grant"
        ),
        pytest.param(
            {
                "key": {
                    "policy": json.dumps(
                        {"Statement": [{**GOOD_POLICY["Statement"][1], "Action": ["kms:Decrypt"]}]},
                    )
                }
            },
            [NO_GRANT],
            id="decrypt-only",
        ),
        pytest.param(
            {"key": {"policy": json.dumps({"Statement": [{**GOOD_POLICY["Statement"][1], "Effect": "Deny"}]})}},
            [NO_GRANT],
            id="deny-is-no-grant",
        ),
        pytest.param({"topic": {"kmsMasterKeyId": "alias/kk-alarms"}}, [], id="cmk-by-alias"),
        pytest.param(
            {"key": {"policy": json.dumps({"Statement": [{**GOOD_POLICY["Statement"][1], "Action": "kms:*"}]})}},
            [],
            id="wildcard-grant",
        ),
        pytest.param({"topic": {"kmsMasterKeyId": None}}, [], id="unencrypted"),
        pytest.param(
            {"topic": {"kmsMasterKeyId": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/elsewhere"}}, [], id="external-key"
        ),
        pytest.param(
            {"topic": {"kmsMasterKeyId": "alias/aws/sns"}, "alarm": {"alarmActions": [], "okActions": []}},
            [],
            id="not-used-by-an-alarm",
        ),
    ],
)
def test_one_property_mutation(packs, changes, expected):
    assert_case(packs, stack(**changes), expected)


def test_ok_action_alone_counts(packs):
    resources = stack(topic={"kmsMasterKeyId": "alias/aws/sns"}, alarm={"alarmActions": []})
    assert_case(packs, resources, [MANAGED])


def test_unknown_key_fails_closed_on_update_and_is_advisory_in_preview(packs):
    resources = stack(topic={"kmsMasterKeyId": Unknown()})
    update = through_pack(packs, resources)
    assert [(d.enforcement_level, d.message.split("\n", 1)[1]) for d in update] == [
        (
            "mandatory",
            f"{TOPIC_LABEL}: kmsMasterKeyId is unknown during the update, so it cannot be checked; failing closed",
        )
    ]
    assert through_pack(packs, resources, dry_run=True) == []
    records = [ResourceRecord(urn=urn(t, n), type=t, name=n, inputs=p) for n, (t, p) in resources.items()]
    assert preview_notes(packs[("staging", True)], records, rule.NAME) == [
        f"{rule.NAME}: 1 resource has values known only during the update; the update checks them and fails closed"
    ]
