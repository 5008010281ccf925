"""alarm-topic-deliverable: a CloudWatch alarm's SNS topic must be one CloudWatch can publish to.

CloudWatch alarms cannot publish to a topic encrypted with an AWS-managed key
(``alias/aws/sns`` or any ``alias/aws/*``): its key policy cannot be changed to let the
CloudWatch service use it, and the alarm history shows the publish denied on the key.
The alarm fires into nothing.  A customer-managed key works only if its policy lets
``cloudwatch.amazonaws.com`` call ``kms:Decrypt`` and ``kms:GenerateDataKey*``.

A stack policy, because only the final state links an alarm's actions to a topic's ARN
and the topic to its key.  A key defined outside the stack cannot be judged and passes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pulumi_policy import Severity

from ._key_policy import CLOUDWATCH, cloudwatch_may_use, is_aws_managed_alias
from ._props import UnknownPropError, elements, get
from ._support import Finding, StackContext, StackResource, StackRule, unknown, violation
from ._types import COMPOSITE_ALARM, KMS_ALIAS, KMS_KEY, METRIC_ALARM, SNS_TOPIC

NAME = "alarm-topic-deliverable"
ACTION_PROPS = ("alarmActions", "okActions", "insufficientDataActions")


def _alarm_topics(alarm: StackResource) -> set[str]:
    arns: set[str] = set()
    for prop in ACTION_PROPS:
        for _path, arn in elements(get(alarm.props, prop), prop):  # UnknownPropError for an unknown entry
            if isinstance(arn, str):  # matched against the topics' ARNs; other actions match none
                arns.add(arn)
    return arns


def _find_key(ref: str, resources: Sequence[StackResource]) -> StackResource | None:
    """The stack's KMS key a topic's kmsMasterKeyId names: by ARN, id, or an alias in the stack."""
    keys = [r for r in resources if r.resource_type == KMS_KEY]
    for key in keys:
        if ref in {get(key.props, "arn"), get(key.props, "keyId"), get(key.props, "id")} - {None}:
            return key
    alias_name = ref.split(":", 5)[-1] if ref.startswith("arn:") else ref
    for alias in resources:
        if alias.resource_type == KMS_ALIAS and get(alias.props, "name") == alias_name:
            target = get(alias.props, "targetKeyId")
            if isinstance(target, str):
                return _find_key(target, keys)
    return None


def check(ctx: StackContext) -> Iterator[Finding]:
    users: dict[str, list[str]] = {}
    for alarm in ctx.of_type(METRIC_ALARM, COMPOSITE_ALARM):
        try:
            for arn in _alarm_topics(alarm):
                users.setdefault(arn, []).append(alarm.name)
        except UnknownPropError as exc:
            yield unknown(exc.path, alarm.label, alarm.urn)
    for topic in ctx.of_type(SNS_TOPIC):
        try:
            alarms = users.get(get(topic.props, "arn") or "")
            if not alarms:
                continue
            key_ref = get(topic.props, "kmsMasterKeyId")
            if not isinstance(key_ref, str) or not key_ref:
                continue  # unencrypted topics accept CloudWatch's publishes
            names = ", ".join(f'"{a}"' for a in sorted(alarms))
            if is_aws_managed_alias(key_ref):
                yield violation(
                    f"{topic.label}: encrypted with the AWS-managed key {key_ref.split(':')[-1]}, which "
                    f"CloudWatch cannot use, so alarm(s) {names} would notify nobody",
                    topic.urn,
                )
                continue
            key = _find_key(key_ref, ctx.resources)
            if key is not None and not cloudwatch_may_use(get(key.props, "policy")):
                yield violation(
                    f"{topic.label}: its key {key.label} has no policy statement letting {CLOUDWATCH} "
                    f"use kms:Decrypt and kms:GenerateDataKey*, so alarm(s) {names} would notify nobody",
                    topic.urn,
                )
        except UnknownPropError as exc:
            yield unknown(exc.path, topic.label, topic.urn)


RULE = StackRule(
    name=NAME,
    description=(
        "An SNS topic that CloudWatch alarms notify must be encrypted with a key CloudWatch may use "
        "(not an AWS-managed alias/aws/* key)."
    ),
    severity=Severity.HIGH,
    remediation=(
        "Encrypt the topic with a customer-managed aws.kms.Key whose policy allows the service principal "
        "cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey* (components/alarms.py does), or leave "
        "it unencrypted with the reason written down."
    ),
    check=check,
)
