"""`ops readiness`: ✅ only with evidence; missing or bad evidence is ❌ with the reason; exit 1 when blocking.

The evidence (settings and both offline plan phases with the pack) is collected once per stack and
judged against different reports; the reports come from real `ops verify` runs where it matters.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from ops.readiness.command import exit_code
from ops.readiness.evidence import collect
from ops.readiness.items import assess
from ops.readiness.model import FAIL, PASS, WARN, Item
from ops.readiness.render import render
from ops.readiness.resources import leaks
from tests.support.commands import run_ops, without_proxies
from tests.support.env import ROOT
from tests.support.operations import ESCALATION
from tests.support.plan import CANARY_SECRET, make_project

REHEARSAL = {
    "stack": "teststack",
    "ok": True,
    "steps": [
        {"name": "preview", "expected": "exit 0", "exitCode": 0, "seconds": 21.5, "ok": True},
        {"name": "up", "expected": "exit 0", "exitCode": 0, "seconds": 48.0, "ok": True},
        {"name": "destroy refused by protect", "expected": "exit 255", "exitCode": 255, "seconds": 9.1, "ok": True},
    ],
}


@pytest.fixture(scope="module")
def finished(tmp_path_factory, staging_config):
    """Evidence for a staging-like stack with real ranges and people (the update phase runs);
    its generated secrets are the canary."""
    project = make_project(tmp_path_factory.mktemp("finished"), staging_config)
    project.write_stack("teststack", escalationLevels=ESCALATION)
    (project / ".github").symlink_to(ROOT / ".github")
    config = ROOT / "policies" / "config.staging.json"
    return collect("teststack", project, policy_config=config, secret_source=lambda n, specials: CANARY_SECRET)


@pytest.fixture(scope="module")
def staging():
    """Evidence for the committed staging stack: documentation ranges, so the program refuses the update."""
    return collect("staging")


def by_title(items: list[Item]) -> dict[str, Item]:
    return {item.title: item for item in items}


def test_finished_stack_passes_what_the_plan_can_prove(finished):
    items = by_title(assess(finished, rehearsal_report=None))
    for title in (
        "Stack settings valid",
        "No placeholder values left",
        "Escalation reaches real people",
        "Stop before production",
        "Policy pack: preview",
        "Policy pack: update",
        "Secrets only as Pulumi secrets",
        "Uptime monitor on the health URL",
        "Sentry DSN reaches the app",
        "Every on-call person on every channel",
        "Automated backups, final snapshot, deletion guards",
        "CI workflows present",
    ):
        assert items[title].status == PASS, f"{title}: {items[title].evidence}"
        assert items[title].evidence
    assert "none of the 2 generated secret(s) appears" in items["Secrets only as Pulumi secrets"].evidence
    assert (
        "checks https://kitchen-kontrol-teststack.onrender.com/api/health"
        in items["Uptime monitor on the health URL"].evidence
    )
    # Needs a person: never ticked, never blocking.
    assert items["People confirmed their alert channels"].status == WARN
    assert not items["People confirmed their alert channels"].blocks


def test_the_planned_alarm_topic_is_deliverable(finished):
    item = by_title(assess(finished))["Database alarms deliver to a topic CloudWatch can use"]
    assert item.status == PASS, item.evidence
    assert "customer-managed key that allows CloudWatch" in item.evidence


def _topic_key(evidence, key, key_policy=None):
    """The same evidence with the alarm topic's key (and a KMS key with `key_policy`) swapped in."""
    import dataclasses

    from ops.program.mocks import Registration

    def swap(plan):
        resources = [
            dataclasses.replace(r, inputs={**r.inputs, "kmsMasterKeyId": key}) if r.type == "aws:sns/topic:Topic" else r
            for r in plan.resources
            if r.type != "aws:kms/key:Key"
        ]
        if key_policy is not None:
            resources.append(
                Registration("urn:key", "aws:kms/key:Key", "alarms-key", "", True, False, {"policy": key_policy})
            )
        return dataclasses.replace(plan, resources=resources)

    facts = dataclasses.replace(evidence.facts, plan=swap(evidence.facts.plan))
    return dataclasses.replace(evidence, facts=facts, update=swap(evidence.update))


@pytest.mark.parametrize(
    ("key", "key_policy", "status", "expected"),
    [
        (None, None, PASS, "not KMS-encrypted, so CloudWatch can publish to it"),
        (
            "arn:aws:kms:us-east-1:123456789012:key/k1",
            '{"Principal": {"Service": "cloudwatch.amazonaws.com"}}',
            PASS,
            "customer-managed key that allows CloudWatch",
        ),
        (
            "arn:aws:kms:us-east-1:123456789012:key/k1",
            '{"Principal": {"AWS": "root"}}',
            FAIL,
            "whose policy does not allow cloudwatch.amazonaws.com",
        ),
        ("arn:aws:kms:us-east-1:123456789012:alias/aws/sns", None, FAIL, "AWS-managed key"),
    ],
)
def test_alarm_topic_encryption_decides_delivery(finished, key, key_policy, status, expected):
    item = by_title(assess(_topic_key(finished, key, key_policy)))[
        "Database alarms deliver to a topic CloudWatch can use"
    ]
    assert item.status == status and expected in item.evidence


def test_refused_update_is_never_ticked(staging):
    items = by_title(assess(staging))
    assert items["No placeholder values left"].status == FAIL
    assert "dbAllowedCidrs holds documentation ranges" in items["No placeholder values left"].evidence
    for title in ("Policy pack: update", "Uptime monitor on the health URL", "Secrets only as Pulumi secrets"):
        assert items[title].status == FAIL and items[title].blocks, title
    assert items["Policy pack: update"].evidence.startswith("not evaluated: the program refused the update")
    assert items["Policy pack: preview"].status == PASS
    assert items["Stop before production"].status == PASS


def test_blocking_failures_are_grouped_under_their_cause(staging):
    items = assess(staging)
    knock_ons = ["Policy pack: update", "Secrets only as Pulumi secrets", "Uptime monitor on the health URL"]
    assert {i.title: i.caused_by for i in items if i.caused_by} == {
        "Policy pack: update": "No placeholder values left",
        "Secrets only as Pulumi secrets": "Policy pack: update",  # pragma: allowlist secret
        "Uptime monitor on the health URL": "Policy pack: update",
    }
    document = render(staging, items)
    summary = document.split("**NOT READY: 6 blocking item(s) failed, from 3 cause(s):**\n\n", 1)[1].split("\n\n")[0]
    assert summary.splitlines() == [
        "- **No placeholder values left**; because of it: " + "; ".join(f"*{t}*" for t in knock_ons),
        "- **Escalation reaches real people**",
        "- **Post-deploy verification (`ops verify`)**",
    ]
    assert "- ❌ **Uptime monitor on the health URL** *(blocking, because of **Policy pack: update**)*:" in document


def test_each_group_is_one_section(finished):
    headings = [line for line in render(finished, assess(finished)).splitlines() if line.startswith("## ")]
    assert len(headings) == len(set(headings)) and "## Monitoring" in headings


def test_invalid_settings_leave_nothing_ticked_that_needs_them(ops_project):
    stack = ops_project.write_ops_stack(appPort=0)
    items = assess(collect(stack, ops_project))
    settings = by_title(items)["Stack settings valid"]
    assert settings.status == FAIL and "kitchen-kontrol:appPort: expected a value of at least 1" in settings.evidence
    # Only what the stack name and the repository show can pass; everything the settings feed fails.
    passed = {item.title for item in items if item.status == PASS}
    assert passed == {"Stop before production", "CI workflows present"}
    assert "the stack settings are invalid" in by_title(items)["Policy pack: update"].evidence


def test_production_shows_both_keys_of_stop_before_production():
    items = by_title(assess(collect("production")))
    item = items["Stop before production"]
    assert item.status == FAIL and item.blocks
    assert "program: kitchen-kontrol:releaseWindow: no release window is set" in item.evidence
    assert "policy pack (config.production.json): no release window is configured" in item.evidence
    assert "stop-before-production: refusing to update production stack" in items["Policy pack: update"].evidence


def test_missing_verify_report_is_a_blocking_failure_with_the_reason(finished):
    item = by_title(assess(finished))["Post-deploy verification (`ops verify`)"]
    assert item.status == FAIL and item.blocks
    assert item.evidence.startswith("no report given: run `python -m ops verify --stack teststack")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("not json at all", "not a verify report (neither its JSON nor its Markdown)"),
        ("[1, 2]", "JSON, but not an object"),
        ('{"result": "pass"}', "expected `result` and `checks` with name and status"),
        ('{"result": "pass", "checks": [{"name": "health", "status": "great"}]}', "expected `result` and `checks`"),
        ("# Verification report\n\nno result here\n", "no **Result:** line"),
    ],
)
def test_malformed_verify_report_is_a_failure_naming_why(finished, tmp_path, content, reason):
    path = tmp_path / "report.json"
    path.write_text(content)
    item = by_title(assess(finished, verify_report=path))["Post-deploy verification (`ops verify`)"]
    assert item.status == FAIL and item.blocks
    assert reason in item.evidence


def _verify(server_url: str, report: Path) -> subprocess.CompletedProcess:
    fast = ("--samples", "3", "--wait-seconds", "5")
    return run_ops("verify", "--url", server_url, *fast, "--report", str(report), env=without_proxies())


@pytest.mark.parametrize("suffix", [".json", ".md"])
def test_real_verify_reports_are_evidence(finished, make_server, tmp_path, suffix):
    passing, failing = tmp_path / f"pass{suffix}", tmp_path / f"fail{suffix}"
    good = make_server()
    assert _verify(good.url, passing).returncode == 0
    assert _verify(make_server(home_status=500).url, failing).returncode == 1
    ok = by_title(assess(finished, verify_report=passing))["Post-deploy verification (`ops verify`)"]
    bad = by_title(assess(finished, verify_report=failing))["Post-deploy verification (`ops verify`)"]
    assert ok.status == PASS and good.url in ok.evidence and "health pass" in ok.evidence
    assert bad.status == FAIL and bad.evidence.startswith(f"fail{suffix}: failed: home, no-5xx")


def test_verify_report_credentials_are_not_repeated(finished, tmp_path):
    report = tmp_path / "report.json"
    checks = [{"name": "health", "status": "pass", "detail": "ok"}]
    report.write_text(json.dumps({"url": f"https://ops:{CANARY_SECRET}@app.test", "result": "pass", "checks": checks}))
    document = render(finished, assess(finished, verify_report=report), verify_report=report)
    assert CANARY_SECRET not in document and "https://***@app.test" in document


def test_rehearsal_absent_is_a_failure_that_does_not_block(finished):
    item = by_title(assess(finished))["Dress rehearsal (`ops rehearse`)"]
    assert item.status == FAIL and not item.blocks
    assert "python -m ops rehearse teststack --json" in item.evidence


def _rehearsal(finished, tmp_path, data) -> Item:
    path = tmp_path / "rehearsal.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return by_title(assess(finished, rehearsal_report=path))["Dress rehearsal (`ops rehearse`)"]


def test_rehearsal_that_went_as_expected_passes(finished, tmp_path):
    item = _rehearsal(finished, tmp_path, REHEARSAL)
    assert item.status == PASS
    assert "3 step(s) as expected in 79 s" in item.evidence
    assert "destroy refused by protect (exit 255, expected exit 255)" in item.evidence


def _with(**changes):
    data = json.loads(json.dumps(REHEARSAL))
    step = changes.pop("step", None)
    data.update(changes)
    if step:
        data["steps"][1].update(step)
    return data


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("{not json", "not JSON"),
        ([REHEARSAL], "malformed: expected a JSON object"),
        (_with(ok="yes"), "malformed: `ok` missing or not a bool"),
        ({"stack": "teststack", "ok": True}, "malformed: `steps` missing or not a list"),
        (_with(steps=[]), "malformed: no steps"),
        (_with(step={"exitCode": "0"}), "malformed: steps[1].exitCode missing or of the wrong type"),
        (_with(step={"ok": 1}), "malformed: steps[1].ok missing or of the wrong type"),
        (_with(stack="production"), "it is the rehearsal of `production`, not `teststack`"),
        (_with(ok=False, step={"ok": False}), "not as expected: up"),
        (_with(step={"ok": False}), "not as expected: up"),
    ],
)
def test_bad_or_failed_rehearsal_blocks_with_the_reason(finished, tmp_path, data, reason):
    item = _rehearsal(finished, tmp_path, data)
    assert item.status == FAIL and item.blocks
    assert reason in item.evidence


RESTORE_STEPS = [
    {
        "name": "restore: set dbRestore and dbSnapshots (copy only)",
        "expected": "success",
        "exitCode": 0,
        "seconds": 0.4,
        "ok": True,
    },
    {
        "name": "restore: up creates the restored instance",
        "expected": "success",
        "exitCode": 0,
        "seconds": 8.1,
        "ok": True,
    },
    {"name": "restore: preview --expect-no-changes", "expected": "success", "exitCode": 0, "seconds": 7.6, "ok": True},
]


def _restore(finished, tmp_path, data, flag="rehearsal_report") -> Item:
    path = tmp_path / "rehearsal.json"
    path.write_text(json.dumps(data))
    return by_title(assess(finished, **{flag: path}))["A restore was rehearsed"]


def test_a_restore_without_a_rehearsal_report_needs_one_but_does_not_block(finished):
    item = by_title(assess(finished))["A restore was rehearsed"]
    assert item.status == WARN and not item.blocks
    assert "python -m ops rehearse staging --json > rehearsal.json" in item.evidence


def test_a_rehearsal_whose_restore_steps_passed_is_the_evidence(finished, tmp_path):
    item = _restore(finished, tmp_path, {**REHEARSAL, "steps": REHEARSAL["steps"] + RESTORE_STEPS})
    assert item.status == PASS
    assert "restored on `teststack` through the real engine, 3 step(s) as expected in 16 s" in item.evidence
    # Another stack's rehearsal counts when it is not production (production's never restores).
    staging = {**REHEARSAL, "stack": "staging", "steps": RESTORE_STEPS}
    assert _restore(finished, tmp_path, staging, flag="restore_report").status == PASS


@pytest.mark.parametrize(
    ("data", "reason", "blocks"),
    [
        (REHEARSAL, "has no restore step", False),
        (
            {**REHEARSAL, "stack": "production", "steps": RESTORE_STEPS},
            "the rehearsal of `production` restores nothing",
            True,
        ),
        (
            {**REHEARSAL, "ok": False, "steps": [*RESTORE_STEPS[:1], {**RESTORE_STEPS[1], "ok": False}]},
            "not as expected: restore: up creates the restored instance",
            True,
        ),
        ({**REHEARSAL, "steps": [{"name": "restore", "ok": True}]}, "malformed: steps[0].exitCode", True),
    ],
)
def test_a_restore_rehearsal_that_shows_nothing_or_failed_says_why(finished, tmp_path, data, reason, blocks):
    item = _restore(finished, tmp_path, data)
    assert item.status == FAIL and item.blocks is blocks
    assert reason in item.evidence


def test_exit_code_follows_blocking_failures_only():
    passed = Item("g", "a", PASS, "seen")
    warned = Item("g", "b", WARN, "needs a person", blocking=False)
    optional = Item("g", "c", FAIL, "not given", blocking=False)
    assert exit_code([passed, warned, optional]) == 0
    assert exit_code([passed, Item("g", "d", FAIL, "broken")]) == 1


def test_leak_tracing_finds_a_secret_in_a_plain_input(finished):
    """The trace that makes 'secrets only as Pulumi secrets' pass can fail: a plain copy is found."""
    from ops.program.mocks import Registration

    plan = finished.update
    leaked = Registration(
        urn="urn:x",
        type="render:services:EnvVar",
        name="copy",
        parent="",
        custom=True,
        protect=False,
        inputs={"value": f"postgresql://kk:{CANARY_SECRET}@h/db"},
    )
    plan_with_leak = type(plan)(**{**plan.__dict__, "resources": [*plan.resources, leaked]})
    assert leaks(plan, [CANARY_SECRET]) == []
    assert leaks(plan_with_leak, [CANARY_SECRET]) == ["render:services:EnvVar copy.value"]


def test_readiness_document_never_holds_a_generated_secret(finished):
    document = render(finished, assess(finished))
    assert CANARY_SECRET not in document
    assert "Database alarms deliver to a topic CloudWatch can use" in document


def test_cli_exits_1_with_the_blocking_items_and_writes_the_report(ops_cli, tmp_path):
    out = tmp_path / "readiness.md"
    proc = ops_cli("readiness", "staging", "--out", str(out))
    assert proc.returncode == 1
    assert proc.stderr.startswith(
        "not ready: 6 blocking item(s) failed, from 3 cause(s): No placeholder values left (and 3 knock-on: "
    )
    document = out.read_text()
    assert document.startswith("# Readiness: `staging`")
    assert "*(blocking)*" in document


@pytest.mark.parametrize("flag", ["--verify-report", "--rehearsal-report", "--restore-report", "--policy-config"])
def test_missing_report_file_is_a_usage_error(ops_cli, flag):
    proc = ops_cli("readiness", "staging", flag, "/nonexistent/report.json")
    assert proc.returncode == 2
    assert proc.stderr == f"error: {flag} /nonexistent/report.json: no such file\n"
