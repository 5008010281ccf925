"""The runbook's people: which alert fires when and whom it reaches, who is on call, the escalation order."""

from __future__ import annotations

from ops.program.facts import (
    ALARM,
    CHATBOT,
    ISSUE_ALERT,
    MONITOR_SUFFIX,
    NOTIFICATION_OVERRIDE,
    SENTRY_MEMBER,
    SENTRY_SLACK_ACTION,
    SLACK_INTEGRATION,
    StackFacts,
)
from ops.runbook.values import DeployValues
from ops.shared.markdown import code, gib, minutes, table
from stacks.settings import is_reserved_example_address

OPERATORS = {"GreaterThanThreshold": ">", "LessThanThreshold": "<", "GreaterThanOrEqualToThreshold": ">="}
OPERATORS["LessThanOrEqualToThreshold"] = "<="
# What Render notifies about, per `kitchen-kontrol:renderNotifications`.
RENDER_EVENTS = {
    "failure": "a deploy fails, the service is suspended, or its health check fails",
    "all": "any deploy or service event, failures included",
    "default": "what the Render workspace's notification settings say",
    "none": "never (`renderNotifications: none`)",
}


def _sentry_team(facts: StackFacts) -> str:
    """The environment's own team the stack puts the on-call people on (`<sentryTeam>-<stack>`)."""
    teams = {str(facts.inputs(member).get("team")) for member in facts.resources(SENTRY_MEMBER)}
    return teams.pop() if len(teams) == 1 else f"{facts.settings.monitoring.sentry_team}-{facts.stack}"


def alerts(facts: StackFacts, v: DeployValues) -> list[str]:
    monitoring = facts.settings.monitoring
    people = ", ".join(monitoring.emails)
    lines = ["## Alerts and who gets them", ""]
    rows = []
    monitor = facts.one(MONITOR_SUFFIX)
    if monitor is not None:
        inputs = facts.inputs(monitor)
        rows.append(
            (
                f"UptimeRobot {code(str(inputs.get('name')))}",
                f"GET {v.health_url or 'the health URL'} every {inputs.get('interval')} s fails "
                f"{monitoring.uptime_failure_threshold} times in a row (paid plans; the free plan alerts at the "
                "first failure)",
                people + _slack(facts, SLACK_INTEGRATION),
            )
        )
    for alarm in facts.resources(ALARM):
        inputs = facts.inputs(alarm)
        threshold = inputs.get("threshold")
        shown = gib(threshold) if inputs.get("unit") == "Bytes" else str(threshold)
        if inputs.get("unit") == "Percent":
            shown = f"{shown} %"
        period = int(inputs.get("period", 0)) * int(inputs.get("evaluationPeriods", 1))
        rows.append(
            (
                f"CloudWatch {code(str(inputs.get('name') or alarm.name))}",
                f"{inputs.get('statistic', '').lower()} {inputs.get('metricName')} "
                f"{OPERATORS.get(str(inputs.get('comparisonOperator')), inputs.get('comparisonOperator'))} {shown} "
                f"for {period // 60} min (missing data: {inputs.get('treatMissingData')})",
                f"{people} (SNS email; each must confirm the subscription once)" + _slack(facts, CHATBOT),
            )
        )
    for alert in facts.resources(ISSUE_ALERT):
        inputs = facts.inputs(alert)
        rows.append(
            (
                f"Sentry {code(str(inputs.get('name')))}",
                f"a new or regressed issue in environment {code(str(inputs.get('environment')))}, "
                f"at most every {inputs.get('frequency')} min",
                f"members of the Sentry team {code(_sentry_team(facts))}"
                + (_slack(facts, ISSUE_ALERT) if _sentry_posts_to_slack(inputs) else ""),
            )
        )
    for override in facts.resources(NOTIFICATION_OVERRIDE):
        sends = str(facts.inputs(override).get("notifications_to_send"))
        rows.append(
            (
                f"Render {code(facts.settings.resource_prefix)} notifications",
                RENDER_EVENTS.get(sends, sends),
                "the Render workspace's members, by e-mail (Render's notification settings)",
            )
        )
    return lines + table(("alert", "fires when", "reaches"), rows)


def _slack(facts: StackFacts, declared_by: str) -> str:
    """ ", Slack #alerts" when the plan posts this channel's alerts to Slack (`declared_by` is in the plan)."""
    slack = facts.settings.monitoring.slack_alerts
    if slack is None or not facts.resources(declared_by):
        return ""
    through = " (AWS Chatbot)" if declared_by == CHATBOT else ""
    return f", Slack {code(slack.channel)}{through}"


def _sentry_posts_to_slack(inputs: dict) -> bool:
    return any(isinstance(a, dict) and a.get("id") == SENTRY_SLACK_ACTION for a in inputs.get("actions") or [])


def on_call(facts: StackFacts) -> list[str]:
    monitoring = facts.settings.monitoring
    channels = facts.channels()
    rows = [
        (contact.role, contact.name, contact.email, ", ".join(channels.get(contact.email, [])) or "no alert channel")
        for contact in monitoring.contacts
    ]
    return [
        "## On call",
        "",
        f"From `kitchen-kontrol:oncallContacts` in {facts.stack_file}; the program subscribes each address to the "
        "alert channels listed.",
        "",
        *table(("role", "name", "email", "reached by"), rows),
        *_examples_warning(facts, [c.email for c in monitoring.contacts], "oncallContacts"),
    ]


def _examples_warning(facts: StackFacts, emails: list, key: str) -> list[str]:
    examples = [email for email in emails if email and is_reserved_example_address(email)]
    if not examples:
        return []
    return [
        "",
        f"**Not real yet:** {', '.join(examples)}: reserved example domain (RFC 2606), nobody reads it; set real "
        f"people in `kitchen-kontrol:{key}` in {facts.stack_file}.",
    ]


def escalation(facts: StackFacts) -> list[str]:
    monitoring = facts.settings.monitoring
    rows = []
    for index, level in enumerate(monitoring.escalation, start=1):
        if level.oncall_role:
            people = [f"{c.name} <{c.email}>" for c in monitoring.contacts if c.role == level.oncall_role]
            who = f"{level.oncall_role} on-call: " + ", ".join(people)
        else:
            who = f"{level.name} <{level.email}>"
        rows.append((index, who, f"within {minutes(level.response_minutes)} of the alert"))
    return [
        "## Escalation",
        "",
        f"From `kitchen-kontrol:escalationLevels` in {facts.stack_file}: page the next level when the current one "
        "has not responded by its time.",
        "",
        *table(("level", "who", "responds"), rows),
        *_examples_warning(facts, [level.email for level in monitoring.escalation], "escalationLevels"),
    ]
