"""What CloudWatch needs from an SNS topic's KMS key, read from a key policy: standard library only.

Shared by the ``alarm-topic-deliverable`` rule and ``ops verify`` (which loads this file by
path: where verify runs, ``pulumi_policy`` may not be installed).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

CLOUDWATCH = "cloudwatch.amazonaws.com"
NEEDED = ("kms:Decrypt", "kms:GenerateDataKey")
_AWS_MANAGED = re.compile(r"(^|:)alias/aws/")


def is_aws_managed_alias(key_ref: str) -> bool:
    """``alias/aws/sns`` or its ARN: a key whose policy nobody can change."""
    return _AWS_MANAGED.search(key_ref) is not None


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence):
        return [v for v in value if isinstance(v, str)]
    return []


def _allows(pattern: str, action: str) -> bool:
    # IAM action patterns: case-insensitive, "*" matches any run of characters.
    regex = "^" + re.escape(pattern.lower()).replace(r"\*", ".*") + "$"
    return re.match(regex, action.lower()) is not None


def cloudwatch_may_use(policy: Any) -> bool:
    """Whether an Allow statement gives the CloudWatch service both actions publishing needs
    (``kms:Decrypt`` and ``kms:GenerateDataKey*``).  ``policy`` is the JSON text or the object."""
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError:
            return False
    if not isinstance(policy, Mapping):
        return False
    statements = policy.get("Statement")
    if isinstance(statements, Mapping):
        statements = [statements]
    elif not isinstance(statements, Sequence) or isinstance(statements, str):
        statements = []
    granted: set[str] = set()
    for statement in statements:
        if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        services = _strings(principal.get("Service")) if isinstance(principal, Mapping) else []
        if CLOUDWATCH not in services and principal != "*":
            continue
        actions = _strings(statement.get("Action"))
        granted |= {need for need in NEEDED if any(_allows(a, need) for a in actions)}
    return granted == set(NEEDED)
