"""Slack #alerts through the real engine: an `up` of a stack with `slackAlerts` set against the stand-ins
and the local fakes creates UptimeRobot's Slack integration (in the fake, alerted by the monitor) and plans
the AWS Chatbot channel configuration and Sentry's Slack action. The webhook URL is a canary: it reaches the
fake and nothing else, neither the state (decrypted or not), nor the CLI's output, nor any file the CLI or
the providers wrote."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from tests.support.engine import fresh_stack
from tests.support.plan import SLACK_ALERTS

WEBHOOK = "https://hooks.slack.com/services/T0CANARY/B0CANARY/CANARYslackhook5e27a1"
SENTRY_SLACK_ACTION = "sentry.integrations.slack.notify_action.SlackNotifyServiceAction"


@pytest.fixture(scope="module")
def slack_up(staging_apis):
    """A stack beside the rehearsed staging, with `slackAlerts` set, applied with the canary webhook exported."""
    rehearsal, apis = staging_apis
    session = dataclasses.replace(
        rehearsal.session, api_env={**rehearsal.session.api_env, "UPTIMEROBOT_SLACK_WEBHOOK_URL": WEBHOOK}
    )
    stack = fresh_stack(rehearsal, "staging-slack", session)
    for key, value in SLACK_ALERTS.items():
        assert session.run(["config", "set", "--path", "-s", stack.stack, f"slackAlerts.{key}", value])[0] == 0
    code, output, _ = session.run(["up", "-s", stack.stack, "--yes", *rehearsal.policy_flags()])
    assert code == 0, output[-3000:]
    code, exported, _ = session.run(["stack", "export", "-s", stack.stack, "--show-secrets"])
    assert code == 0, exported[-2000:]
    resources = json.loads(exported)["deployment"]["resources"]
    return {"apis": apis, "output": output, "state": exported, "resources": resources, "session": session}


def _of_type(resources: list[dict], type_: str) -> list[dict]:
    return [r for r in resources if r["type"] == type_]


def test_uptimerobot_gets_a_slack_integration_the_monitor_alerts(slack_up):
    uptimerobot = slack_up["apis"].uptimerobot
    (integration,) = [
        i for i in uptimerobot.integrations.values() if i["friendlyName"].startswith("kitchen-kontrol-staging-slack")
    ]
    assert (integration["type"], integration["customValue"], integration["value"]) == ("Slack", "#alerts", WEBHOOK)
    (monitor,) = [
        m for m in uptimerobot.monitors.values() if m["friendlyName"] == "kitchen-kontrol-staging-slack health"
    ]
    assert integration["id"] in {c["alertContactId"] for c in monitor["assignedAlertContacts"]}


def test_cloudwatch_alarms_reach_the_channel_through_aws_chatbot(slack_up):
    resources = slack_up["resources"]
    (config,) = _of_type(resources, "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration")
    (topic,) = _of_type(resources, "aws:sns/topic:Topic")
    inputs = config["inputs"]
    assert (inputs["slackTeamId"], inputs["slackChannelId"]) == ("T0123456789", "C0123456789")
    assert inputs["snsTopicArns"] == [topic["outputs"]["arn"]]
    assert inputs["guardrailPolicyArns"] == ["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"]


def test_sentrys_issue_alert_posts_to_the_channel(slack_up):
    (alert,) = _of_type(slack_up["resources"], "sentry:index/sentryIssueAlert:SentryIssueAlert")
    slack = [a for a in alert["inputs"]["actions"] if a.get("id") == SENTRY_SLACK_ACTION]
    assert slack == [{"id": SENTRY_SLACK_ACTION, "workspace": "123456", "channel": "#alerts"}]


def test_the_webhook_url_is_nowhere_but_in_the_fake(slack_up):
    secret = WEBHOOK.rsplit("/", 1)[-1]
    assert secret not in slack_up["state"]  # decrypted
    assert secret not in slack_up["output"]
    session = slack_up["session"]
    # Everything the CLI, the program and the providers wrote: backends, checkpoints, history, logs, stack files.
    for root in (session.backend, session.project):
        for path in Path(root).rglob("*"):
            if path.is_file() and not path.is_symlink() and ".venv" not in path.parts and "venv" not in path.parts:
                assert secret.encode() not in path.read_bytes(), path
