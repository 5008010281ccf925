"""Readiness items for the alerts only Render and Slack deliver: Render's failure notifications, and Slack
#alerts on the three channels (`kitchen-kontrol:slackAlerts`) with the webhook where the apply runs."""

from __future__ import annotations

from ops.program.facts import (
    CHATBOT,
    ISSUE_ALERT,
    NOTIFICATION_OVERRIDE,
    SENTRY_SLACK_ACTION,
    SLACK_INTEGRATION,
    StackFacts,
)
from ops.readiness.model import FAIL, PASS, WARN, Evidence, Item

WEBHOOK_ENV = "UPTIMEROBOT_SLACK_WEBHOOK_URL"
RENDER = ("Monitoring", "Render e-mails a failed deploy, a suspended service, a failed health check")
SLACK = ("Monitoring", "Slack #alerts from UptimeRobot, CloudWatch and Sentry")


def alerting_items(evidence: Evidence) -> list[Item]:
    facts = evidence.facts
    if facts is None:
        reason = f"not evaluated: {evidence.no_preview()}"
        return [Item(group, title, FAIL, reason) for group, title in (RENDER, SLACK)]
    return [_render(facts), _slack(evidence, facts)]


def _render(facts: StackFacts) -> Item:
    group, title = RENDER
    overrides = facts.resources(NOTIFICATION_OVERRIDE)
    if not overrides:
        return Item(group, title, FAIL, "the plan declares no notification override for the web service")
    sends = facts.inputs(overrides[0]).get("notifications_to_send")
    if sends not in ("failure", "all"):
        why = f"`kitchen-kontrol:renderNotifications` is `{sends}`: Render sends no failure notification"
        return Item(group, title, FAIL, f"{why}; set it to `failure` (or `all`)")
    return Item(group, title, PASS, f"the service's notification override sends `{sends}` to the workspace's members")


def _slack(evidence: Evidence, facts: StackFacts) -> Item:
    group, title = SLACK
    slack = facts.settings.monitoring.slack_alerts
    if slack is None:
        return Item(
            group,
            title,
            WARN,
            "`kitchen-kontrol:slackAlerts` is unset: every channel alerts by e-mail only "
            "(docs/render-notifications.md says how to set it)",
            blocking=False,
        )
    problems, seen = [], []
    chatbot = [facts.inputs(r) for r in facts.resources(CHATBOT)]
    if any(c.get("slackChannelId") == slack.channel_id for c in chatbot):
        seen.append(f"CloudWatch through AWS Chatbot to `{slack.channel_id}`")
    else:
        problems.append("no AWS Chatbot configuration for the channel")
    actions = [a for r in facts.resources(ISSUE_ALERT) for a in facts.inputs(r).get("actions") or []]
    if any(isinstance(a, dict) and a.get("id") == SENTRY_SLACK_ACTION for a in actions):
        seen.append(f"Sentry's issue alert through integration `{slack.sentry_integration_id}`")
    else:
        problems.append("Sentry's issue alert has no Slack action")
    if any(facts.inputs(r).get("channel") == slack.channel for r in facts.resources(SLACK_INTEGRATION)):
        seen.append(f"UptimeRobot's Slack integration to `{slack.channel}`")
    else:
        problems.append("no UptimeRobot Slack integration for the channel")
    if facts.production:
        seen.append(f"{WEBHOOK_ENV} must be exported in the release shell (first-deploy checklist)")
    else:
        workflow = evidence.root / ".github" / "workflows" / "deploy-staging.yml"
        if workflow.is_file() and WEBHOOK_ENV in workflow.read_text():
            seen.append(f"deploy-staging.yml hands {WEBHOOK_ENV} to `pulumi up`")
        else:
            problems.append(f"deploy-staging.yml does not hand {WEBHOOK_ENV} to `pulumi up`")
    if problems:
        return Item(group, title, FAIL, "; ".join(problems + seen))
    return Item(group, title, PASS, "; ".join(seen))
