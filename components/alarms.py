"""DatabaseAlarms: CloudWatch alarms on the RDS instance, mailed to every on-call contact via SNS."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence

import pulumi
from pulumi_aws import cloudwatch, sns

from components import TOKEN_PREFIX, slug_of

GIB = 1024**3


@dataclass(frozen=True, kw_only=True)
class DatabaseAlarmsArgs:
    db_instance_identifier: pulumi.Input[str]
    emails: Sequence[str]
    cpu_percent: int = 80
    free_storage_gib: int = 2
    connections: int = 60
    period_seconds: int = 300
    evaluation_periods: int = 2
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.emails:
            raise ValueError("emails: expected at least one on-call address")
        if not 0 < self.cpu_percent <= 100:
            raise ValueError("cpu_percent: expected 1 to 100")
        if self.period_seconds % 60:
            raise ValueError("period_seconds: expected a multiple of 60")


class DatabaseAlarms(pulumi.ComponentResource):
    topic_arn: pulumi.Output[str]

    def __init__(self, name: str, args: DatabaseAlarmsArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(f"{TOKEN_PREFIX}DatabaseAlarms", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)

        topic = sns.Topic(f"{name}-topic", kms_master_key_id="alias/aws/sns", tags=tags, opts=child)
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

        self.topic_arn = topic.arn
        self.register_outputs({"topic_arn": self.topic_arn})
