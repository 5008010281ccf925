"""DatabaseAlarms: CloudWatch alarms on the RDS instance, mailed to every on-call contact via SNS.

The topic is encrypted with a customer-managed KMS key, not the AWS-managed ``alias/aws/sns``:
CloudWatch alarms cannot publish to a topic under an AWS-managed key (its policy cannot be
changed to let the CloudWatch service use it), so every alarm would fire into nothing.  The
key's policy lets the account administer it and lets only CloudWatch, only for this
account's alarms of this component, generate data keys and decrypt: exactly what publishing
needs.  Rotation is on; a deleted key can be recovered during the deletion window.

With a Slack channel, AWS Chatbot subscribes to the topic too. It needs no grant on the key: SNS
decrypts a message before it delivers it to any subscriber; what silences Slack on an encrypted
topic is a publisher (CloudWatch) that may not use the key, which the policy above already allows.
Chatbot's role may only read CloudWatch (to draw the alarm's chart), and the channel's guardrail
caps whatever anyone in the channel runs through it at CloudWatch read-only: without one, chat
commands run with the role's permissions up to AdministratorAccess.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Sequence

import pulumi
from pulumi_aws import chatbot, cloudwatch, get_caller_identity_output, iam, kms, sns

from components import TOKEN_PREFIX, slug_of

GIB = 1024**3
CLOUDWATCH_KEY_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey*")
# What Chatbot reads to show an alarm (AWS's own "NotificationsOnly" policy), and the channel's ceiling.
CHATBOT_READ_ACTIONS = ("cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*")
CHATBOT_GUARDRAIL = "arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"


def alarm_key_policy(account_id: str, alarm_name_prefix: str) -> dict[str, Any]:
    """The alarm topic key's policy: the account administers it (through IAM), CloudWatch may
    only encrypt for and decrypt from this account's alarms named ``alarm_name_prefix*``."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AccountAdministersTheKeyThroughIam",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "CloudWatchAlarmsPublishToTheEncryptedTopic",
                "Effect": "Allow",
                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                "Action": list(CLOUDWATCH_KEY_ACTIONS),
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": account_id},
                    "ArnLike": {"aws:SourceArn": f"arn:aws:cloudwatch:*:{account_id}:alarm:{alarm_name_prefix}*"},
                },
            },
        ],
    }


def chatbot_trust_policy(account_id: str, configuration_name: str) -> dict:
    """Only AWS Chatbot, for this account's one channel configuration, may assume the role (no confused deputy)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "chatbot.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": account_id},
                    "ArnLike": {
                        "aws:SourceArn": (
                            f"arn:aws:chatbot::{account_id}:chat-configuration/slack-channel/{configuration_name}"
                        )
                    },
                },
            }
        ],
    }


@dataclass(frozen=True, kw_only=True)
class DatabaseAlarmsArgs:
    db_instance_identifier: pulumi.Input[str]
    emails: Sequence[str]
    cpu_percent: int = 80
    free_storage_gib: int = 2
    connections: int = 60
    period_seconds: int = 300
    evaluation_periods: int = 2
    # KMS waits this long before deleting the topic key (7-30); until then it can be restored.
    key_deletion_window_days: int = 30
    tags: Mapping[str, str] = field(default_factory=dict)
    # AWS Chatbot posts the alarms to this Slack channel (by id) of this workspace; both or neither.
    slack_workspace_id: Optional[str] = None
    slack_channel_id: Optional[str] = None

    def __post_init__(self) -> None:
        if (self.slack_workspace_id is None) != (self.slack_channel_id is None):
            raise ValueError("slack_workspace_id, slack_channel_id: expected both or neither")
        if not self.emails:
            raise ValueError("emails: expected at least one on-call address")
        if not 0 < self.cpu_percent <= 100:
            raise ValueError("cpu_percent: expected 1 to 100")
        if self.period_seconds % 60:
            raise ValueError("period_seconds: expected a multiple of 60")
        if not 7 <= self.key_deletion_window_days <= 30:
            raise ValueError("key_deletion_window_days: expected 7 to 30 (KMS's limits)")


class DatabaseAlarms(pulumi.ComponentResource):
    topic_arn: pulumi.Output[str]
    key_arn: pulumi.Output[str]

    def __init__(self, name: str, args: DatabaseAlarmsArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(f"{TOKEN_PREFIX}DatabaseAlarms", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)

        account_id = get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        # Alarm names are explicit so the key policy can name exactly these alarms.
        alarm_prefix = f"{name}-"
        key = kms.Key(
            f"{name}-key",
            description=f"Encrypts the SNS topic of the {name} CloudWatch alarms",
            enable_key_rotation=True,
            deletion_window_in_days=args.key_deletion_window_days,
            policy=account_id.apply(lambda account: json.dumps(alarm_key_policy(account, alarm_prefix))),
            tags=tags,
            opts=child,
        )
        kms.Alias(f"{name}-key-alias", name=f"alias/{name}", target_key_id=key.arn, opts=child)
        topic = sns.Topic(f"{name}-topic", kms_master_key_id=key.arn, tags=tags, opts=child)
        for email in args.emails:
            # Email subscriptions stay pending until the person clicks the confirmation link.
            sns.TopicSubscription(
                f"{name}-{slug_of(email)}", topic=topic.arn, protocol="email", endpoint=email, opts=child
            )

        alarms = (
            (
                "cpu",
                "CPUUtilization",
                "GreaterThanThreshold",
                args.cpu_percent,
                "Percent",
                f"CPU above {args.cpu_percent}%",
            ),
            (
                "free-storage",
                "FreeStorageSpace",
                "LessThanThreshold",
                args.free_storage_gib * GIB,
                "Bytes",
                f"free storage below {args.free_storage_gib} GiB",
            ),
            (
                "connections",
                "DatabaseConnections",
                "GreaterThanThreshold",
                args.connections,
                "Count",
                f"more than {args.connections} connections",
            ),
        )
        for suffix, metric, operator, threshold, unit, description in alarms:
            cloudwatch.MetricAlarm(
                f"{name}-{suffix}",
                name=f"{alarm_prefix}{suffix}",
                namespace="AWS/RDS",
                metric_name=metric,
                dimensions={"DBInstanceIdentifier": args.db_instance_identifier},
                statistic="Average",
                period=args.period_seconds,
                evaluation_periods=args.evaluation_periods,
                comparison_operator=operator,
                threshold=threshold,
                unit=unit,
                treat_missing_data="breaching" if metric == "CPUUtilization" else "notBreaching",
                alarm_description=f"Kitchen Kontrol database: {description}",
                alarm_actions=[topic.arn],
                ok_actions=[topic.arn],
                tags=tags,
                opts=child,
            )

        if args.slack_workspace_id and args.slack_channel_id:
            self._chatbot(name, args.slack_workspace_id, args.slack_channel_id, topic, tags, account_id)

        self.topic_arn = topic.arn
        self.key_arn = key.arn
        self.register_outputs({"topic_arn": self.topic_arn, "key_arn": self.key_arn})

    def _chatbot(
        self, name: str, workspace_id: str, channel_id: str, topic: sns.Topic, tags, account_id: pulumi.Output[str]
    ) -> None:
        child = pulumi.ResourceOptions(parent=self)
        configuration_name = f"{name}-slack"
        role = iam.Role(
            f"{name}-chatbot",
            assume_role_policy=account_id.apply(
                lambda account: json.dumps(chatbot_trust_policy(account, configuration_name))
            ),
            tags=tags,
            opts=child,
        )
        iam.RolePolicy(
            f"{name}-chatbot-read",
            role=role.id,
            policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": list(CHATBOT_READ_ACTIONS), "Resource": "*"}],
                }
            ),
            opts=child,
        )
        chatbot.SlackChannelConfiguration(
            configuration_name,
            configuration_name=configuration_name,
            iam_role_arn=role.arn,
            slack_team_id=workspace_id,
            slack_channel_id=channel_id,
            sns_topic_arns=[topic.arn],
            guardrail_policy_arns=[CHATBOT_GUARDRAIL],
            logging_level="ERROR",
            tags=tags,
            opts=child,
        )
