"""Slack #alerts and Render's failure notifications in the operations documents: the first-deploy checklist
lists the one-time manual set-up when `slackAlerts` is set (and checks the webhook variable by name only),
and `ops readiness` checks what the plan and the deploy workflow show."""

from __future__ import annotations

import dataclasses
import shutil

import pytest

from ops.readiness.evidence import collect
from ops.readiness.items import assess
from ops.readiness.model import FAIL, PASS, WARN
from tests.support.env import ROOT
from tests.support.plan import CANARY_SECRET, SLACK_ALERTS

SLACK_TITLE = "Slack #alerts from UptimeRobot, CloudWatch and Sentry"
RENDER_TITLE = "Render e-mails a failed deploy, a suspended service, a failed health check"
WEBHOOK_ENV = "UPTIMEROBOT_SLACK_WEBHOOK_URL"


def _item(evidence, title: str):
    (item,) = [item for item in assess(evidence) if item.title == title]
    return item


@pytest.fixture
def slack_evidence(ops_project):
    return collect(ops_project.write_ops_stack(slackAlerts=SLACK_ALERTS), ops_project)


def test_readiness_passes_slack_on_every_channel_with_the_webhook_in_the_deploy(slack_evidence):
    item = _item(slack_evidence, SLACK_TITLE)
    assert item.status == PASS, item.evidence
    for seen in ("AWS Chatbot to `C0123456789`", "integration `123456`", "Slack integration to `#alerts`"):
        assert seen in item.evidence
    assert f"deploy-staging.yml hands {WEBHOOK_ENV}" in item.evidence
    assert _item(slack_evidence, RENDER_TITLE).status == PASS


def test_readiness_fails_slack_when_the_deploy_lacks_the_webhook(slack_evidence, tmp_path):
    workflows = tmp_path / ".github" / "workflows"
    shutil.copytree(ROOT / ".github" / "workflows", workflows)
    deploy = workflows / "deploy-staging.yml"
    deploy.write_text("\n".join(line for line in deploy.read_text().splitlines() if WEBHOOK_ENV not in line))
    item = _item(dataclasses.replace(slack_evidence, root=tmp_path), SLACK_TITLE)
    assert item.status == FAIL and item.blocks
    assert f"deploy-staging.yml does not hand {WEBHOOK_ENV} to `pulumi up`" in item.evidence


def test_readiness_without_slack_warns_and_does_not_block(ops_project):
    evidence = collect(ops_project.write_ops_stack(renderNotifications="none"), ops_project)
    slack = _item(evidence, SLACK_TITLE)
    assert slack.status == WARN and not slack.blocks
    assert "`kitchen-kontrol:slackAlerts` is unset" in slack.evidence
    render = _item(evidence, RENDER_TITLE)
    assert render.status == FAIL and render.blocks
    assert "`kitchen-kontrol:renderNotifications` is `none`" in render.evidence


def test_checklist_lists_the_one_time_slack_steps_and_checks_the_webhook_by_name(ops_project):
    from ops.checklist.command import generate

    stack = ops_project.write_ops_stack(slackAlerts=SLACK_ALERTS)
    without = generate(stack, ops_project, env={})
    with_webhook = generate(stack, ops_project, env={WEBHOOK_ENV: CANARY_SECRET})
    assert "☐ manual: Sentry: the Slack app installed in organization `kitchen-kontrol`" in without
    assert "☐ manual: AWS Chatbot: Slack workspace `T0123456789` authorised" in without
    assert f"❌ UptimeRobot: the Slack webhook of `#alerts` exported as {WEBHOOK_ENV}" in without
    assert f"✅ UptimeRobot: the Slack webhook of `#alerts` exported as {WEBHOOK_ENV}" in with_webhook
    assert CANARY_SECRET not in without + with_webhook


def test_checklist_without_slack_has_no_slack_steps(ops_project):
    from ops.checklist.command import generate

    document = generate(ops_project.write_ops_stack(), ops_project, env={})
    assert "AWS Chatbot" not in document and "Slack webhook" not in document


def test_runbook_shows_render_notifications_and_slack_per_channel(ops_project):
    from ops.runbook.command import generate
    from ops.shared.outputs import StackOutputs

    offline = StackOutputs("teststack", reason="no CLI in this test")
    stack = ops_project.write_ops_stack(slackAlerts=SLACK_ALERTS, renderNotifications="all")
    rows = [line for line in generate(stack, ops_project, stack_outputs=offline).splitlines() if line.startswith("| ")]
    by_alert = {row.split(" | ")[0].split("`")[0].strip("| ").strip(): row for row in rows if "`" in row}
    assert by_alert["UptimeRobot"].endswith(", Slack `#alerts` |")
    assert by_alert["CloudWatch"].endswith(", Slack `#alerts` (AWS Chatbot) |")
    assert by_alert["Sentry"].endswith(", Slack `#alerts` |")
    assert "| any deploy or service event, failures included |" in by_alert["Render"]
    without = generate(ops_project.write_ops_stack(), ops_project, stack_outputs=offline)
    assert "Slack" not in without
    assert "| a deploy fails, the service is suspended, or its health check fails |" in without
