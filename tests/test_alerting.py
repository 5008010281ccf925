"""Every alert the seed plan asks for, as the offline plan declares it: Render's failure notifications, the
service in its Render environment (protected in production), and Slack #alerts on all three channels."""

from __future__ import annotations

import json

import pytest

from ops.shared.cloud_answers import PLACEHOLDER_ACCOUNT
from stacks.config_parsing import ConfigError, parse_settings
from tests.support.plan import SLACK_ALERTS, only, resources_of
from tests.support.stack_config import raw_from

OVERRIDE = "pulumi-python:dynamic/render:NotificationOverride"
SLACK = SLACK_ALERTS


@pytest.fixture(scope="module")
def slack_plan(tmp_path_factory, staging_config):
    from tests.support.plan import make_project, run_canary_plan

    project = make_project(tmp_path_factory.mktemp("slack"), staging_config)
    return run_canary_plan(project.write_stack(slackAlerts=SLACK), preview=False, root=project)


def test_render_sends_failure_notifications_by_default(update_plan):
    override = only(update_plan, OVERRIDE)
    assert override.inputs["notifications_to_send"] == "failure"
    assert override.inputs["preview_notifications_enabled"] == "default"
    assert override.inputs["service_id"] == "srv-placeholder"
    assert update_plan.outputs["renderNotifications"] == "failure"


def test_the_service_moves_into_its_unprotected_staging_environment(update_plan):
    project = only(update_plan, "render:projects:Project")
    assert project.inputs["name"] == "kitchen-kontrol"
    assert project.inputs["environments"] == [{"name": "teststack", "protectedStatus": "unprotected"}]
    assert project.protect
    moved = only(update_plan, "render:environments:ResourcesToEnvironment")
    assert moved.inputs["resourceIds"] == ["srv-placeholder"]
    assert moved.inputs["environmentId"] == project.outputs["environmentIds"][0]
    # Not through the service's own environmentId: Render cannot change it in place (a replacement).
    assert "environmentId" not in only(update_plan, "render:services:WebService").inputs


def test_production_joins_the_project_in_a_protected_environment(plan, project_dir):
    stack = project_dir.write_stack("production", renderProjectId="prj-abcdef0123456789", appNodeEnv="production")
    result = plan(stack, preview=True, root=project_dir)
    assert not resources_of(result, "render:projects:Project")
    environment = only(result, "render:environments:Environment")
    assert environment.inputs == {
        "projectId": "prj-abcdef0123456789",
        "name": "production",
        "protectedStatus": "protected",
    }


def test_a_stack_with_productions_values_gets_a_protected_render_environment_whatever_its_name(plan, project_dir):
    """Issue 29: `protected` follows the stack's values, not just its name (stacks/guard.py's is_production)."""
    live = project_dir.write_stack("live", appNodeEnv="production")
    project = only(plan(live, preview=True, root=project_dir), "render:projects:Project")
    assert project.inputs["environments"] == [{"name": "live", "protectedStatus": "protected"}]
    canary = project_dir.write_stack("canary", appNodeEnv="staging")
    project = only(plan(canary, preview=True, root=project_dir), "render:projects:Project")
    assert project.inputs["environments"] == [{"name": "canary", "protectedStatus": "unprotected"}]


def test_render_notifications_are_configurable(plan, project_dir):
    stack = project_dir.write_stack(renderNotifications="all", renderPreviewNotifications="false")
    override = only(plan(stack, preview=False, root=project_dir), OVERRIDE)
    assert (override.inputs["notifications_to_send"], override.inputs["preview_notifications_enabled"]) == (
        "all",
        "false",
    )


def test_without_slack_alerts_nothing_posts_to_slack(update_plan):
    assert not resources_of(update_plan, "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration")
    assert not resources_of(update_plan, "pulumi-python:dynamic/uptimerobot:SlackIntegration")
    alert = only(update_plan, "sentry:index/sentryIssueAlert:SentryIssueAlert")
    assert [a["id"] for a in alert.inputs["actions"]] == ["sentry.mail.actions.NotifyEmailAction"]


def test_chatbot_posts_the_alarm_topic_to_slack_with_a_read_only_guardrail(slack_plan):
    config = only(slack_plan, "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration")
    topic = only(slack_plan, "aws:sns/topic:Topic")
    assert config.inputs["snsTopicArns"] == [topic.outputs["arn"]]
    assert (config.inputs["slackTeamId"], config.inputs["slackChannelId"]) == ("T0123456789", "C0123456789")
    assert config.inputs["guardrailPolicyArns"] == ["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"]
    role = only(slack_plan, "aws:iam/role:Role")
    trust = json.loads(role.inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "chatbot.amazonaws.com"}
    policy = json.loads(only(slack_plan, "aws:iam/rolePolicy:RolePolicy").inputs["policy"])
    actions = {a for statement in policy["Statement"] for a in statement["Action"]}
    assert actions == {"cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*"}


def test_only_this_accounts_channel_configuration_may_assume_the_chatbot_role(slack_plan):
    """Issue 29: the trust policy names the account and the one channel configuration (confused deputy)."""
    role = only(slack_plan, "aws:iam/role:Role")
    (statement,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    config = only(slack_plan, "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration")
    account = PLACEHOLDER_ACCOUNT  # what the plan's getCallerIdentity answers
    assert statement["Condition"] == {
        "StringEquals": {"aws:SourceAccount": account},
        "ArnLike": {
            "aws:SourceArn": f"arn:aws:chatbot::{account}:chat-configuration/slack-channel/"
            f"{config.inputs['configurationName']}"
        },
    }


def test_sentry_alert_also_posts_to_slack(slack_plan):
    alert = only(slack_plan, "sentry:index/sentryIssueAlert:SentryIssueAlert")
    slack = [a for a in alert.inputs["actions"] if "slack" in a["id"]]
    assert slack == [
        {
            "id": "sentry.integrations.slack.notify_action.SlackNotifyServiceAction",
            "workspace": "123456",
            "channel": "#alerts",
        }
    ]


def test_uptimerobot_alerts_the_slack_integration_like_a_contact(slack_plan):
    integration = only(slack_plan, "pulumi-python:dynamic/uptimerobot:SlackIntegration")
    assert integration.inputs["channel"] == "#alerts"
    assert not any("hooks.slack.com" in json.dumps(v) for v in integration.inputs.values() if isinstance(v, str))
    monitor = only(slack_plan, "pulumi-python:dynamic/uptimerobot:Monitor")
    # The two on-call people and the Slack integration, each alerted after the same failures.
    rows = monitor.inputs["assigned_alert_contacts"]
    assert len({row["alert_contact_id"] for row in rows}) == 3
    assert {row["threshold"] for row in rows} == {2}


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ({**SLACK, "channel": "alerts"}, "slackAlerts.channel"),
        ({**SLACK, "channelId": "#alerts"}, "slackAlerts.channelId"),
        ({**SLACK, "workspaceId": "acme"}, "slackAlerts.workspaceId"),
        ({**SLACK, "sentryIntegrationId": "slack"}, "slackAlerts.sentryIntegrationId"),
        ({**SLACK, "sentryIntegrationId": -1}, "slackAlerts.sentryIntegrationId"),
        ({**SLACK, "webhookUrl": "https://hooks.slack.com/services/X"}, "slackAlerts.webhookUrl"),
        ({k: v for k, v in SLACK.items() if k != "channelId"}, "slackAlerts.channelId"),
        ("#alerts", "slackAlerts: expected an object"),
    ],
)
def test_each_bad_slack_field_is_named(staging_config, value, named):
    raw = raw_from({**staging_config, "kitchen-kontrol:slackAlerts": value})
    with pytest.raises(ConfigError) as caught:
        parse_settings("staging", raw)
    assert f"kitchen-kontrol:{named}" in str(caught.value)
    assert "hooks.slack.com" not in str(caught.value)


def test_the_integration_id_may_be_the_number_config_set_path_stores(staging_config):
    raw = raw_from({**staging_config, "kitchen-kontrol:slackAlerts": {**SLACK, "sentryIntegrationId": 123456}})
    assert parse_settings("staging", raw).monitoring.slack_alerts.sentry_integration_id == "123456"


def test_bad_render_notification_choices_are_named(staging_config):
    raw = raw_from({**staging_config, "kitchen-kontrol:renderNotifications": "failures"})
    raw["renderPreviewNotifications"] = "yes"
    with pytest.raises(ConfigError) as caught:
        parse_settings("staging", raw)
    message = str(caught.value)
    assert "kitchen-kontrol:renderNotifications: expected one of 'default', 'all', 'failure' or 'none'" in message
    assert "kitchen-kontrol:renderPreviewNotifications: expected one of" in message
