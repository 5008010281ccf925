"""The pack as the CLI sees it: metadata over GetAnalyzerInfo, config files, entry point, PulumiPolicy.yaml."""

from __future__ import annotations

import re
import runpy
import sys

import pulumi_policy
import pytest
import yaml

from ops.analyzer.client import PolicyAnalyzer
from ops.analyzer.config import PolicyConfigError, load_policy_config, reconcile_policy_config
from policies.rules import ALL_RULES, PACK_NAME, PACK_VERSION, checked_during_update
from tests.support.env import ROOT
from tests.support.policy import CANARY_POLICY_CONFIG, RDS_INSTANCE, Analyze, baseline

PACK = ROOT / "policies"
EXPECTED = {
    "stop-before-production": "resource",
    "no-production-secrets": "resource",
    "rds-instance-storage-encrypted": "resource",
    "rds-instance-backup-retention": "resource",
    "rds-instance-final-snapshot": "resource",
    "rds-instance-deletion-protection": "resource",
    "security-group-no-public-postgres": "resource",
    "rds-parameter-group-force-ssl": "resource",
    "rds-instance-ssl-parameter-group": "stack",
    "render-web-service-health-check": "resource",
    "aws-required-tags": "resource",
    "monitoring-coverage": "stack",
    "alarm-topic-deliverable": "stack",
}
# Not a rule of its own: the one note per rule that a preview could not finish.
NOTES = checked_during_update.NAME


def test_info_lists_every_rule_with_metadata(packs):
    info = packs[("staging", False)].info()
    assert info.name == PACK_NAME
    assert {p.name: p.kind for p in info.policies} == {**EXPECTED, NOTES: "stack"}
    (notes,) = [p for p in info.policies if p.name == NOTES]
    assert (notes.enforcement_level, notes.severity) == ("advisory", "")  # no severity label on a note
    for p in info.policies:
        if p.name == NOTES:
            continue
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", p.name)
        assert p.severity in ("low", "medium", "high", "critical"), p.name
        assert p.description and p.remediation, p.name
        assert p.enforcement_level == "mandatory", p.name


def test_the_pack_has_one_version_pulumipolicy_yamls(packs):
    declared = str(yaml.safe_load((PACK / "PulumiPolicy.yaml").read_text())["version"])
    assert PACK_VERSION == declared
    # What the SDK reports over GetAnalyzerInfo (it would say 0.0.1): what ops plan shows.
    assert packs[("staging", False)].info().version == declared


@pytest.mark.parametrize("stack", ["staging", "production"])
def test_committed_config_files_match_the_pack(packs, stack):
    info = packs[("staging", False)]._info
    config = reconcile_policy_config(info, load_policy_config(PACK / f"config.{stack}.json"))
    # Every rule, monitoring-coverage included, is mandatory on both stacks.
    assert {n: config[n]["enforcementLevel"] for n in EXPECTED} == dict.fromkeys(EXPECTED, "mandatory")
    # `all` would make the preview notes mandatory too, failing every preview with a value not known yet.
    assert config[NOTES]["enforcementLevel"] == "advisory"
    # Schema defaults are filled in as the CLI does.
    assert config["stop-before-production"]["productionStackPattern"] == "^(prod|production)([-_].*)?$"
    assert config["rds-instance-backup-retention"]["minimumRetentionDays"] == 7


def test_reconciled_config_is_what_the_pack_got(packs):
    pack = packs[("staging", False)]
    assert pack.policy_config["no-production-secrets"]["productionAwsAccountIds"] == ["111122223333"]
    assert pack.policy_config["monitoring-coverage"]["enforcementLevel"] == "advisory"


@pytest.mark.parametrize(
    ("config", "error"),
    [
        (
            {"rds-instance-backup-retention": {"minimumRetentionDays": "seven"}},
            "rds-instance-backup-retention: minimumRetentionDays: expected an integer",
        ),
        (
            {"no-production-secrets": {"productionAwsAccountIds": ["12345"]}},
            "no-production-secrets: productionAwsAccountIds[0]: expected a string matching ^[0-9]{12}$",
        ),
        ({"no-such-rule": "advisory"}, "no-such-rule: no such policy in the pack"),
    ],
)
def test_config_that_does_not_match_the_schema_is_refused(packs, config, error):
    with pytest.raises(PolicyConfigError, match=re.escape(error)):
        reconcile_policy_config(packs[("staging", False)]._info, load_policy_config(config))


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("{", "not valid JSON (line 1"),
        ('{"all": "strict"}', "all.enforcementLevel must be one of advisory, mandatory, remediate, disabled"),
        ('{"x": 3}', "'x' must be an enforcement level string or an object"),
        ("[]", "expected a JSON object"),
    ],
)
def test_unreadable_config_file(tmp_path, text, error):
    path = tmp_path / "config.json"
    path.write_text(text)
    with pytest.raises(PolicyConfigError, match=re.escape(error)):
        load_policy_config(path)


def test_pulumi_policy_yaml_lets_the_cli_build_a_venv():
    spec = yaml.safe_load((PACK / "PulumiPolicy.yaml").read_text())
    assert spec["runtime"] == {"name": "python", "options": {"virtualenv": "venv"}}
    assert re.fullmatch(r"\d+\.\d+\.\d+", spec["version"])
    pins = (PACK / "requirements.txt").read_text().split()
    assert "pulumi-policy==1.21.0" in pins and "pulumi==3.272.0" in pins


def test_entry_point_only_constructs_the_pack(monkeypatch):
    built = []

    def fake_pack(**kwargs):
        built.append(kwargs)

    monkeypatch.setattr(pulumi_policy, "PolicyPack", fake_pack)
    monkeypatch.syspath_prepend(str(PACK))  # as the CLI runs it: only the pack folder
    for name in [m for m in sys.modules if m == "rules" or m.startswith("rules.")]:
        monkeypatch.delitem(sys.modules, name)
    runpy.run_path(str(PACK / "__main__.py"), run_name="__main__")
    assert len(built) == 1
    assert built[0]["name"] == PACK_NAME
    assert [p.name for p in built[0]["policies"]] == [r.name for r in ALL_RULES]


@pytest.mark.parametrize("stack, stopped", [("production", True), ("staging", False)])
def test_every_worker_of_the_pack_judges_with_its_stack_and_dry_run(stack, stopped):
    # More requests in flight than the pack's gRPC workers (4): each worker thread configures the
    # runtime once (policies/__main__.py), and not one of them may judge as another stack or mode.
    # A pack of its own: the session's packs remember stacks other tests showed production values.
    record = Analyze.record(RDS_INSTANCE, baseline(RDS_INSTANCE), stack=stack)
    with PolicyAnalyzer(
        project="kitchen-kontrol", stack=stack, dry_run=False, policy_config=CANARY_POLICY_CONFIG
    ) as pack:
        verdicts = pack.analyze_many([record] * 64, window=32)
    stops = [any(d.policy_name == "stop-before-production" for d in found) for found in verdicts]
    assert stops == [stopped] * 64
