"""Every rule of the pack in the order it runs them, and the pack's version; ``policies.rules`` loads
this module on first use."""

from __future__ import annotations

from pathlib import Path

import yaml

from . import (
    alarm_topic_deliverable,
    aws_required_tags,
    checked_during_update,
    monitoring_coverage,
    no_production_secrets,
    rds_instance_backup_retention,
    rds_instance_deletion_protection,
    rds_instance_final_snapshot,
    rds_instance_ssl_parameter_group,
    rds_instance_storage_encrypted,
    rds_parameter_group_force_ssl,
    render_web_service_health_check,
    security_group_no_public_postgres,
    stop_before_production,
)
from ._support import ResourceRule, StackRule

# The pack's one version: PulumiPolicy.yaml's, which the CLI shows in its header.
PACK_VERSION = str(yaml.safe_load((Path(__file__).parent.parent / "PulumiPolicy.yaml").read_text())["version"])

ALL_RULES: tuple[ResourceRule | StackRule, ...] = (
    stop_before_production.RULE,
    no_production_secrets.RULE,
    rds_instance_storage_encrypted.RULE,
    rds_instance_backup_retention.RULE,
    rds_instance_final_snapshot.RULE,
    rds_instance_deletion_protection.RULE,
    security_group_no_public_postgres.RULE,
    rds_parameter_group_force_ssl.RULE,
    rds_instance_ssl_parameter_group.RULE,
    render_web_service_health_check.RULE,
    aws_required_tags.RULE,
    monitoring_coverage.RULE,
    alarm_topic_deliverable.RULE,
    checked_during_update.RULE,  # last: it reports what the other rules could not judge in a preview
)


def build_policies() -> list:
    return [rule.policy() for rule in ALL_RULES]
