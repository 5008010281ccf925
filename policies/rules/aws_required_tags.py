"""aws-required-tags: taggable AWS resources carry the project, environment and managed-by tags.

A resource counts as taggable when it has a ``tags``/``tagsAll`` input or is a known
taggable type.  Tags may come from the resource or the AWS provider's ``defaultTags``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import Severity

from . import _types as t
from ._props import get
from ._support import Finding, ResourceContext, ResourceRule, violation

NAME = "aws-required-tags"
DEFAULT_REQUIRED = ["project", "environment", "managed-by"]
TAGGABLE_TYPES = frozenset(
    {
        t.RDS_INSTANCE,
        t.RDS_PARAMETER_GROUP,
        t.RDS_SUBNET_GROUP,
        t.SECURITY_GROUP,
        t.SECURITY_GROUP_INGRESS_RULE,
        t.SECURITY_GROUP_EGRESS_RULE,
        t.VPC,
        t.SUBNET,
        t.INTERNET_GATEWAY,
        t.ROUTE_TABLE,
        t.METRIC_ALARM,
        t.SNS_TOPIC,
        t.SECRETSMANAGER_SECRET,
        t.KMS_KEY,
        t.IAM_ROLE,
        t.S3_BUCKET,
        t.S3_BUCKET_V2,
    }
)


def _tag_keys(value: Any, path: str) -> set[str]:
    if not isinstance(value, Mapping):
        return set()
    keys = set()
    for key in value:
        tag = get(value, key, path=path)
        if isinstance(tag, str) and tag.strip():
            keys.add(key)
    return keys


def _provider_default_tags(provider_props: Mapping[str, Any] | None) -> set[str]:
    if provider_props is None:
        return set()
    default_tags = get(provider_props, "defaultTags", path="provider")
    if isinstance(default_tags, str):  # provider inputs arrive JSON-encoded
        try:
            default_tags = json.loads(default_tags)
        except ValueError:
            return set()
    if isinstance(default_tags, Mapping):
        return _tag_keys(get(default_tags, "tags", path="provider.defaultTags"), "provider.defaultTags.tags")
    return set()


def check(ctx: ResourceContext) -> Iterator[Finding]:
    has_tags_input = any(get(ctx.props, k) is not None for k in ("tags", "tagsAll"))
    if not has_tags_input and ctx.resource_type not in TAGGABLE_TYPES:
        return
    present = (
        _tag_keys(get(ctx.props, "tags"), "tags")
        | _tag_keys(get(ctx.props, "tagsAll"), "tagsAll")
        | _provider_default_tags(ctx.provider_props)
    )
    required = list(ctx.config.get("requiredTags", DEFAULT_REQUIRED))
    missing = [t for t in required if t not in present]
    if missing:
        yield violation(f"{ctx.label}: missing tag(s) {', '.join(missing)}")


RULE = ResourceRule(
    name=NAME,
    description="Taggable AWS resources must carry the project, environment and managed-by tags.",
    severity=Severity.LOW,
    remediation=(
        "Pass tags={'project': ..., 'environment': <stack>, 'managed-by': 'pulumi'} to the resource, "
        "or set default_tags on the AWS provider so every resource inherits them."
    ),
    check=check,
    packages=frozenset({t.AWS}),
    config_schema={
        "requiredTags": {
            "type": "array",
            "items": {"type": "string"},
            "default": DEFAULT_REQUIRED,
            "description": "Tag keys every taggable AWS resource must carry.",
        }
    },
)
