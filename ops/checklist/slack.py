"""First-deploy checklist steps for Slack #alerts (`kitchen-kontrol:slackAlerts`): the one-time set-up in
Sentry, AWS Chatbot and Slack that the stack cannot do itself. None when the key is unset."""

from __future__ import annotations

from collections.abc import Mapping

from ops.checklist.model import DONE, MANUAL, TODO, Step
from ops.program.facts import StackFacts
from stacks.settings.slack import UPTIMEROBOT_WEBHOOK_ENV


def slack_steps(facts: StackFacts, env: Mapping[str, str]) -> list[Step]:
    slack = facts.settings.monitoring.slack_alerts
    if slack is None:
        return []
    organization = facts.settings.monitoring.sentry_organization
    region = f" --region {facts.region}" if facts.region else ""
    webhook_title = f"UptimeRobot: the Slack webhook of `{slack.channel}` exported as {UPTIMEROBOT_WEBHOOK_ENV}"
    create_webhook = (
        f"in Slack, add an incoming webhook for `{slack.channel}` (Apps → Incoming WebHooks → Add to Slack), "
        f"then export {UPTIMEROBOT_WEBHOOK_ENV} with its URL in the shell that runs pulumi"
        + ("" if facts.production else f" and store it as the `staging` environment's secret {UPTIMEROBOT_WEBHOOK_ENV}")
        + "; never in a stack file: anyone holding it can post to the channel"
    )
    if env.get(UPTIMEROBOT_WEBHOOK_ENV):
        webhook = Step(webhook_title, DONE, f"{UPTIMEROBOT_WEBHOOK_ENV} is set (checked by name only)")
    else:
        webhook = Step(
            webhook_title,
            TODO,
            f"{UPTIMEROBOT_WEBHOOK_ENV} is not set: creating UptimeRobot's Slack integration would fail",
            create_webhook,
        )
    return [
        Step(
            f"Sentry: the Slack app installed in organization `{organization}`",
            MANUAL,
            f"the plan's issue alert posts to `{slack.channel}` through the Slack integration "
            f"`{slack.sentry_integration_id}` (`slackAlerts.sentryIntegrationId`); whether it is installed is not "
            "visible from here",
            f"in Sentry, Settings → Integrations → Slack → *Add Workspace* for the workspace `{slack.workspace_id}`; "
            "the integration's id is the number in its configuration page's URL "
            f"(…/settings/{organization}/integrations/slack/ID/) and must equal `sentryIntegrationId`.",
        ),
        Step(
            f"AWS Chatbot: Slack workspace `{slack.workspace_id}` authorised",
            MANUAL,
            f"the plan creates a Chatbot channel configuration for `{slack.channel_id}` in workspace "
            f"`{slack.workspace_id}`; AWS accepts it only once the workspace is authorised in the console",
            "AWS console → Amazon Q Developer in chat applications (AWS Chatbot) → *Configure new client* → Slack, "
            f"and allow the workspace; then invite the AWS app to `{slack.channel}` (`/invite @Amazon Q`). "
            f"Check: `aws{region} chatbot describe-slack-workspaces` lists `{slack.workspace_id}`.",
        ),
        webhook,
    ]
