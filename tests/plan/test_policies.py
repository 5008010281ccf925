"""The plan with the real policy pack as a subprocess: both promises, end to end."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest

from ops.plan import document as plan_document
from ops.plan.render import render_text
from ops.shared.errors import UsageError
from tests.support.env import ROOT
from tests.support.plan import CANARY_SECRET

STAGING_POLICY = json.loads((ROOT / "policies" / "config.staging.json").read_text())
PRODUCTION_POLICY = json.loads((ROOT / "policies" / "config.production.json").read_text())
PRODUCTION_SECRET = "prodsecret-7f3a9c2e"


def open_window(stack: str = "production") -> dict:
    now = datetime.now(UTC)
    return {
        "stack": stack,
        "approvedBy": "Jane Doe",
        "changeReference": "CHG-42",
        "notBefore": (now - timedelta(hours=1)).isoformat(),
        "notAfter": (now + timedelta(hours=1)).isoformat(),
    }


def policy_file(tmp_path, base: dict, **rule_overrides) -> str:
    config = json.loads(json.dumps(base))
    for rule, settings in rule_overrides.items():
        config.setdefault(rule, {}).update(settings)
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(config))
    return path


def mandatory(result) -> set[str]:
    return {d.policy_name for d in result.diagnostics if d.enforcement_level == "mandatory"}


def test_staging_plan_passes_every_policy(cli_plans):
    completed = cli_plans["staging-json"]
    assert completed.returncode == 0, completed.stderr
    document = json.loads(completed.stdout)
    assert document["summary"]["mandatoryViolations"] == 0
    assert all(d["enforcementLevel"] == "advisory" for d in document["diagnostics"])
    # Unknowns in a preview are advisory, one note per rule at the stack level, and the output says why.
    notes = [d for d in document["diagnostics"] if d["deferred"]]
    assert all(d["urn"] is None and d["severity"] == "" for d in notes)
    assert len({d["policy"] for d in notes}) == len(notes) == 4
    assert any("values known only during the update" in d["message"] for d in notes)


def test_production_preview_passes_the_pack(cli_plans):
    completed = cli_plans["production"]
    assert completed.returncode == 0, completed.stderr
    assert "Policies: no violations;" in completed.stdout


def test_every_rule_is_accounted_for_and_deferred_checks_are_one_line_each(cli_plans, staging_document):
    rules = staging_document["policies"]["rules"]
    assert len(rules) == 13
    assert {r["verdict"] for r in rules} <= {"passed", "deferred"}
    deferred = [r for r in rules if r["verdict"] == "deferred"]
    assert sum(r["deferred"] for r in deferred) == staging_document["summary"]["deferredChecks"] == 44
    text = cli_plans["staging"].stdout
    # 38 resources deferred by one rule: one line, not 38, and not called a violation.
    (line,) = [line for line in text.splitlines() if "no-production-secrets" in line]
    assert line == "    no-production-secrets: 38 resource(s)"
    assert "  deferred until values are known (not violations; the update enforces them):" in text
    assert f"passed: {sum(r['verdict'] == 'passed' for r in rules)} rule(s)" in text
    summary = next(line for line in text.splitlines() if line.startswith("Policies: "))
    assert summary.startswith("Policies: no violations; 44 check(s) of 4 rule(s) deferred until values are known")
    assert "can't run policy" not in text  # the SDK's wording, which reads like a failure


def test_policy_results_come_after_the_tree_mandatory_first(plan, project_dir, tmp_path):
    policy = policy_file(
        tmp_path,
        STAGING_POLICY,
        **{
            "rds-instance-backup-retention": {"minimumRetentionDays": 30},
            "rds-instance-deletion-protection": {"enforcementLevel": "advisory"},
        },
    )
    result = plan(project_dir.write_stack(dbDeletionProtection=False), root=project_dir, policies=policy)
    lines = render_text(plan_document.document(result), width=0).splitlines()
    last_row = max(i for i, line in enumerate(lines) if line.startswith(" +  "))
    mandatory_at = next(
        i for i, line in enumerate(lines) if line.startswith("  MANDATORY [rds-instance-backup-retention]")
    )
    advisory_at = next(
        i for i, line in enumerate(lines) if line.startswith("  ADVISORY [rds-instance-deletion-protection]")
    )
    deferred_at = next(i for i, line in enumerate(lines) if line.startswith("  deferred until values are known"))
    assert last_row < mandatory_at < advisory_at < deferred_at
    assert lines[mandatory_at + 1].endswith("backupRetentionPeriod is 7 days, need at least 30")
    summary = next(line for line in lines if line.startswith("Policies: "))
    assert summary.startswith("Policies: 1 MANDATORY and 1 advisory violation(s); 44 check(s) of 4 rule(s) deferred")


def test_no_policies_says_the_pack_was_not_run(plan, project_dir):
    result = plan(project_dir.write_stack(), root=project_dir)
    document = plan_document.document(result)
    assert document["policies"] == {"ran": False, "pack": None, "rules": []}
    assert document["summary"]["policiesRun"] is False
    assert "Policies: not run (--no-policies)" in render_text(plan_document.document(result), width=0)


def test_production_update_with_only_the_programs_key_is_stopped_by_the_pack(plan, project_dir, tmp_path):
    stack = project_dir.write_stack("production", appNodeEnv="production", releaseWindow=open_window())
    result = plan(stack, preview=False, root=project_dir, policies=policy_file(tmp_path, PRODUCTION_POLICY))
    assert "stop-before-production" in mandatory(result)
    stops = [d for d in result.diagnostics if d.policy_name == "stop-before-production"]
    assert len(stops) == len(result.resources) + 1  # every resource, the stack included
    assert "releaseWindow" in render_text(plan_document.document(result), width=0)


def test_production_update_with_both_keys_is_not_stopped(plan, project_dir, tmp_path):
    stack = project_dir.write_stack("production", appNodeEnv="production", releaseWindow=open_window())
    policy = policy_file(
        tmp_path, PRODUCTION_POLICY, **{"stop-before-production": {"releaseWindow": open_window("production")}}
    )
    result = plan(stack, preview=False, root=project_dir, policies=policy)
    assert "stop-before-production" not in mandatory(result)


def test_fingerprinted_production_secret_in_staging_fails_without_leaking(plan, project_dir, tmp_path):
    digest = hashlib.sha256(PRODUCTION_SECRET.encode()).hexdigest()
    stack = project_dir.write_stack(appBranch=PRODUCTION_SECRET)
    policy = policy_file(
        tmp_path, STAGING_POLICY, **{"no-production-secrets": {"productionSecretFingerprints": [digest]}}
    )
    result = plan(stack, preview=False, root=project_dir, policies=policy)
    assert "no-production-secrets" in mandatory(result)
    hits = [d for d in result.diagnostics if d.policy_name == "no-production-secrets" and "branch" in d.message]
    # Both services build that branch: the API's web service and the frontend's static site.
    assert sorted(d.urn.rsplit("-", 2)[-2:][0] for d in hits) == ["frontend", "web"]
    for text in (render_text(plan_document.document(result), width=0), json.dumps(plan_document.document(result))):
        assert PRODUCTION_SECRET not in text
        assert CANARY_SECRET not in text


def test_production_host_in_staging_fails(plan, project_dir, tmp_path):
    stack = project_dir.write_stack(renderCustomDomain="app.kitchen-kontrol.com")
    policy = policy_file(
        tmp_path, STAGING_POLICY, **{"no-production-secrets": {"productionDomains": ["kitchen-kontrol.com"]}}
    )
    result = plan(stack, preview=False, root=project_dir, policies=policy)
    assert "no-production-secrets" in mandatory(result)


def test_policy_config_errors_are_usage_errors(plan, project_dir, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(UsageError):
        plan(project_dir.write_stack(), root=project_dir, policies=broken)


def test_a_policy_config_the_pack_refuses_is_a_usage_error_naming_the_property(plan, project_dir, tmp_path):
    # The pack judges resources while the program runs: its refusal of the config, met then, is still
    # the user's one-line error, not a failure of the program.
    policy = policy_file(tmp_path, STAGING_POLICY, **{"rds-instance-backup-retention": {"minimumRetentionDayz": 7}})
    with pytest.raises(UsageError, match=r"rds-instance-backup-retention: .*minimumRetentionDayz"):
        plan(project_dir.write_stack(), root=project_dir, policies=policy)


def test_mandatory_violation_exits_1_naming_the_policy(tmp_path, capsys):
    from ops.__main__ import main

    policy = policy_file(tmp_path, STAGING_POLICY, **{"rds-instance-backup-retention": {"minimumRetentionDays": 30}})
    assert main(["plan", "staging", "--policy-config", str(policy)]) == 1
    captured = capsys.readouterr()
    assert "MANDATORY [rds-instance-backup-retention]" in captured.out
    assert captured.err.strip() == "error: mandatory policy violations: rds-instance-backup-retention"


def test_staging_update_passes_every_committed_policy(plan, project_dir):
    """With real-looking values the update phase satisfies every rule, monitoring coverage included."""
    result = plan(
        project_dir.write_stack(), preview=False, root=project_dir, policies=ROOT / "policies" / "config.staging.json"
    )
    assert result.policies_ran
    assert result.diagnostics == []
