"""The four RDS instance rules: one-property mutations of the compliant baseline, pass/fail/unknown."""

from __future__ import annotations

import pytest

from policies.rules import (
    rds_instance_backup_retention,
    rds_instance_deletion_protection,
    rds_instance_final_snapshot,
    rds_instance_storage_encrypted,
)
from tests.support.policy import RDS_INSTANCE, assert_case, assert_unknown, baseline, messages, run_rule

DB = f'{RDS_INSTANCE} "r"'
RULES = [
    rds_instance_storage_encrypted,
    rds_instance_backup_retention,
    rds_instance_final_snapshot,
    rds_instance_deletion_protection,
]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.NAME)
def test_baseline_passes(analyze, rule):
    assert_case(analyze, rule, RDS_INSTANCE, baseline(RDS_INSTANCE), [])


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.NAME)
def test_other_types_are_ignored(rule):
    assert run_rule(rule.RULE, "aws:rds/cluster:Cluster", {}).violations == []


@pytest.mark.parametrize(
    ("rule", "changes", "expected"),
    [
        (
            rds_instance_storage_encrypted,
            {"storageEncrypted": False},
            "storageEncrypted must be true (AWS defaults to unencrypted)",
        ),
        (
            rds_instance_storage_encrypted,
            {"storageEncrypted": None},
            "storageEncrypted must be true (AWS defaults to unencrypted)",
        ),
        (
            rds_instance_backup_retention,
            {"backupRetentionPeriod": 6},
            "backupRetentionPeriod is 6 days, need at least 7",
        ),
        (
            rds_instance_backup_retention,
            {"backupRetentionPeriod": 0},
            "backupRetentionPeriod is 0 days, need at least 7",
        ),
        (
            rds_instance_backup_retention,
            {"backupRetentionPeriod": None},
            "backupRetentionPeriod is not set (need at least 7 days)",
        ),
        (
            rds_instance_final_snapshot,
            {"skipFinalSnapshot": True},
            "skipFinalSnapshot is true, so deleting it destroys the data",
        ),
        (rds_instance_final_snapshot, {"finalSnapshotIdentifier": None}, "finalSnapshotIdentifier is not set"),
        (rds_instance_final_snapshot, {"finalSnapshotIdentifier": " "}, "finalSnapshotIdentifier is not set"),
        (
            rds_instance_deletion_protection,
            {"deletionProtection": False},
            'deletionProtection must be true on stack "staging" (not an ephemeral stack)',
        ),
        (
            rds_instance_deletion_protection,
            {"deletionProtection": None},
            'deletionProtection must be true on stack "staging" (not an ephemeral stack)',
        ),
    ],
)
def test_one_property_mutation_fails(analyze, rule, changes, expected):
    assert_case(analyze, rule, RDS_INSTANCE, baseline(RDS_INSTANCE, **changes), [f"{DB}: {expected}"])


@pytest.mark.parametrize(
    ("rule", "key"),
    [
        (rds_instance_storage_encrypted, "storageEncrypted"),
        (rds_instance_backup_retention, "backupRetentionPeriod"),
        (rds_instance_final_snapshot, "skipFinalSnapshot"),
        (rds_instance_deletion_protection, "deletionProtection"),
    ],
)
def test_unknown(analyze, rule, key):
    assert_unknown(analyze, rule, RDS_INSTANCE, baseline(RDS_INSTANCE), key)


def test_backup_retention_minimum_is_configurable():
    props = baseline(RDS_INSTANCE, backupRetentionPeriod=10)
    found = run_rule(rds_instance_backup_retention.RULE, RDS_INSTANCE, props, config={"minimumRetentionDays": 14})
    assert messages(found) == [f"{DB}: backupRetentionPeriod is 10 days, need at least 14"]
    assert run_rule(rds_instance_backup_retention.RULE, RDS_INSTANCE, props).violations == []


def test_backup_retention_rejects_a_boolean():
    props = baseline(RDS_INSTANCE, backupRetentionPeriod=True)
    assert messages(run_rule(rds_instance_backup_retention.RULE, RDS_INSTANCE, props)) == [
        f"{DB}: backupRetentionPeriod is not set (need at least 7 days)"
    ]


@pytest.mark.parametrize("stack", ["dev", "pr-42", "test", "dev-alice"])
def test_deletion_protection_not_required_on_ephemeral_stacks(stack):
    props = baseline(RDS_INSTANCE, deletionProtection=False)
    assert run_rule(rds_instance_deletion_protection.RULE, RDS_INSTANCE, props, stack=stack).violations == []


@pytest.mark.parametrize("stack", ["staging", "production", "pr-x", "develop"])
def test_deletion_protection_required_elsewhere(stack):
    props = baseline(RDS_INSTANCE, deletionProtection=False)
    assert len(run_rule(rds_instance_deletion_protection.RULE, RDS_INSTANCE, props, stack=stack).violations) == 1


def test_ephemeral_stacks_list():
    props = baseline(RDS_INSTANCE, deletionProtection=False)
    config = {"ephemeralStacks": ["sandbox"]}
    assert (
        run_rule(rds_instance_deletion_protection.RULE, RDS_INSTANCE, props, stack="sandbox", config=config).violations
        == []
    )


def test_only_the_retired_instances_the_policy_owners_name_may_lose_deletion_protection():
    retiring = baseline(RDS_INSTANCE, deletionProtection=False, identifier="kitchen-kontrol-staging")
    restored = baseline(RDS_INSTANCE, deletionProtection=False, identifier="kitchen-kontrol-staging-pitr-f8cc9f6a")
    config = {"retiredInstances": ["kitchen-kontrol-staging"]}
    rule = rds_instance_deletion_protection.RULE
    assert run_rule(rule, RDS_INSTANCE, retiring, stack="staging", config=config).violations == []
    assert len(run_rule(rule, RDS_INSTANCE, restored, stack="staging", config=config).violations) == 1
    assert len(run_rule(rule, RDS_INSTANCE, retiring, stack="staging").violations) == 1
