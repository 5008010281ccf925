"""Strict policy config: a misspelt or wrongly typed property never silently switches a rule off.

The Pulumi CLI checks only the declared properties (its schema has no room for
``additionalProperties: false``), so a typo reaches the pack: each rule must refuse it
itself.  Checked for every rule through the real pack over the Analyzer protocol, with the
client vetting the config exactly as the CLI does (``check="cli"``) or not at all
(``check="none"``), and in ``ops.analyzer.config``'s own (stricter) check.
"""

from __future__ import annotations

import re

import pytest
from pulumi_policy import Severity

from ops.analyzer.config import PolicyConfigError, load_policy_config, reconcile_policy_config
from ops.analyzer.wire import ResourceRecord
from policies.rules import ALL_RULES
from policies.rules._support import ResourceRule, StackRule
from policies.rules._types import STACK
from tests.support.policy import CANARY_POLICY_CONFIG, RDS_INSTANCE, baseline, sha

STACK_URN = "urn:pulumi:staging::kitchen-kontrol::pulumi:pulumi:Stack::kitchen-kontrol-staging"
RESOURCE_RULES = [r for r in ALL_RULES if isinstance(r, ResourceRule)]
STACK_RULES = [r for r in ALL_RULES if isinstance(r, StackRule)]
WRONG = {"string": 5, "integer": "seven", "number": "seven", "boolean": "yes", "array": "one", "object": "one"}


def _with(rule_name: str, props: dict) -> dict:
    config = {k: v for k, v in CANARY_POLICY_CONFIG.items() if k != rule_name}
    return {**config, rule_name: props}


def _config_diagnostics(packs, rule, config: dict, check: str) -> list:
    """The rule's diagnostics for the first resource of every run (the Stack) or, for a stack
    rule, for the stack analysis, with ``config`` sent through the real Configure RPC."""
    pack = packs[("staging", False)]
    pack.configure(config, check=check)
    try:
        if isinstance(rule, StackRule):
            diags = pack.analyze_stack([])
        else:
            diags = pack.analyze(ResourceRecord(urn=STACK_URN, type=STACK, name="kitchen-kontrol-staging"))
    finally:
        pack.configure(CANARY_POLICY_CONFIG)
    return [d for d in diags if d.policy_name == rule.name]


def _expect_refusal(diags, rule, *fragments: str) -> None:
    assert len(diags) == 1, [d.message for d in diags]
    (diag,) = diags
    assert diag.enforcement_level == "mandatory"
    message = diag.message.split("\n", 1)[1]
    assert message.startswith(f"policy config of '{rule.name}' does not match its schema, so the rule cannot run")
    for fragment in fragments:
        assert fragment in message


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.name)
def test_unknown_property_reaches_the_pack_past_the_cli_and_is_refused(packs, rule):
    diags = _config_diagnostics(packs, rule, _with(rule.name, {"minDays": 14}), check="cli")
    _expect_refusal(diags, rule, "minDays: unknown property (allowed: ")


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.name)
def test_unknown_property_is_refused_by_ops_before_the_pack(packs, rule):
    info = packs[("staging", False)]._info
    with pytest.raises(PolicyConfigError, match=re.escape(f"{rule.name}: minDays: unknown property (allowed: ")):
        reconcile_policy_config(info, load_policy_config(_with(rule.name, {"minDays": 14})))


WRONG_TYPES = [
    (rule, prop, schema["type"]) for rule in ALL_RULES for prop, schema in (rule.config_schema or {}).items()
]


@pytest.mark.parametrize(("rule", "prop", "kind"), WRONG_TYPES, ids=lambda v: getattr(v, "name", v))
def test_wrong_type_is_refused_by_the_cli_check_and_by_the_pack(packs, rule, prop, kind):
    config = _with(rule.name, {prop: WRONG[kind]})
    info = packs[("staging", False)]._info
    with pytest.raises(PolicyConfigError, match=re.escape(f"{rule.name}: {prop}: ")):
        reconcile_policy_config(info, load_policy_config(config), check="cli")
    diags = _config_diagnostics(packs, rule, config, check="none")
    _expect_refusal(diags, rule, f"{prop}: expected ")


def test_typos_that_would_switch_a_protection_off_are_refused(packs):
    """A misspelt fingerprint list or retention key would otherwise be ignored without a word."""
    fingerprint_typo = _with("no-production-secrets", {"productionSecretFingerprint": [sha("x")]})
    diags = _config_diagnostics(packs, ALL_RULES[1], fingerprint_typo, check="cli")
    _expect_refusal(diags, ALL_RULES[1], "productionSecretFingerprint: unknown property")
    retention_typo = _with("rds-instance-backup-retention", {"minDays": 14})
    pack = packs[("staging", False)]
    pack.configure(retention_typo, check="cli")
    try:
        record = ResourceRecord(
            urn="urn:pulumi:staging::kitchen-kontrol::aws:rds/instance:Instance::db",
            type=RDS_INSTANCE,
            name="db",
            inputs=baseline(RDS_INSTANCE, backupRetentionPeriod=7),
        )
        diags = [d for d in pack.analyze(record) if d.policy_name == "rds-instance-backup-retention"]
    finally:
        pack.configure(CANARY_POLICY_CONFIG)
    assert [d.enforcement_level for d in diags] == ["mandatory"]
    assert "minDays: unknown property (allowed: minimumRetentionDays)" in diags[0].message


def test_nested_release_window_refuses_unknown_fields_and_types(packs):
    rule = next(r for r in ALL_RULES if r.name == "stop-before-production")
    window = {"stack": "production", "aprovedBy": "ops-lead", "notBefore": 5}
    diags = _config_diagnostics(packs, rule, _with(rule.name, {"releaseWindow": window}), check="none")
    _expect_refusal(
        diags, rule, "releaseWindow.aprovedBy: unknown property", "releaseWindow.notBefore: expected a string"
    )


def test_messages_never_echo_a_config_value(packs):
    canary = "CANARYconfigValue9d1e"
    rule = ALL_RULES[1]
    diags = _config_diagnostics(packs, rule, _with(rule.name, {"productionHosts": canary}), check="none")
    _expect_refusal(diags, rule, "productionHosts: expected a list")
    assert canary not in diags[0].message


def test_ops_refuses_a_config_in_the_packs_own_words_never_echoing_the_value(packs):
    canary = "CANARYconfigValue9d1e"
    rule = ALL_RULES[1]
    config = _with(rule.name, {"productionHosts": canary})
    with pytest.raises(PolicyConfigError) as refused:
        reconcile_policy_config(packs[("staging", False)]._info, load_policy_config(config))
    assert str(refused.value) == f"policy config does not match the pack: {rule.name}: productionHosts: expected a list"
    assert canary not in str(refused.value)
    diags = _config_diagnostics(packs, rule, config, check="none")
    assert "productionHosts: expected a list" in diags[0].message


@pytest.mark.parametrize("stack", ["staging", "production"])
def test_committed_config_files_pass_the_strict_check(packs, stack):
    info = packs[("staging", False)]._info
    reconcile_policy_config(info, load_policy_config(f"policies/config.{stack}.json"), check="pack")


def test_a_valid_config_runs_the_rules_as_before(analyze):
    props = baseline(RDS_INSTANCE, backupRetentionPeriod=10)
    config = _with("rds-instance-backup-retention", {"minimumRetentionDays": 14})
    diags = analyze(RDS_INSTANCE, props, config=config, policy="rds-instance-backup-retention")
    assert [d.message.split("\n", 1)[1] for d in diags] == [
        f'{RDS_INSTANCE} "r": backupRetentionPeriod is 10 days, need at least 14'
    ]


@pytest.mark.parametrize(
    ("schema", "refusal"),
    [
        ({"window": {"type": "object"}}, "additionalProperties: false"),
        ({"name": {"type": "string", "minLength": 3}}, "unsupported schema keyword"),
    ],
)
def test_a_rule_with_a_loose_object_schema_cannot_be_defined(schema, refusal):
    with pytest.raises(ValueError, match=refusal):
        ResourceRule(
            name="loose",
            description="d",
            severity=Severity.LOW,
            remediation="r",
            check=lambda ctx: iter(()),
            config_schema=schema,
        )
