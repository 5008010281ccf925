"""The steps before a stack's first `pulumi up`, each checked where something here can see it: ✅ done or
❌ to do with what was found, "manual" with the exact instruction where nothing can."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ops.checklist.accounts import (
    github_environment_steps,
    render_github_step,
    render_owner_step,
    sentry_organization_step,
    uptime_plan_step,
)
from ops.checklist.gates import (
    first_apply_step,
    policies_step,
    policy_window_step,
    program_window_step,
    rehearsal_step,
    update_accepted_step,
)
from ops.checklist.machine import credentials_step, pulumi_cli_step, secrets_provider_step, stack_in_backend_step
from ops.checklist.model import DONE, MANUAL, Step
from ops.checklist.slack import slack_steps
from ops.checklist.values import allowed_cidrs_step, contacts_step, escalation_contacts_step, region_step
from ops.program.facts import StackFacts


def before_first_up(facts: StackFacts, root: Path, env: Mapping[str, str], render_api: str) -> list[Step]:
    steps = [
        pulumi_cli_step(),
        stack_in_backend_step(facts, root),
        secrets_provider_step(facts, root, env),
        credentials_step(env),
        region_step(facts),
        allowed_cidrs_step(facts),
        contacts_step(facts),
        escalation_contacts_step(facts),
        render_owner_step(facts, env, render_api),
        render_github_step(facts),
        sentry_organization_step(facts),
        uptime_plan_step(facts),
        *slack_steps(facts, env),
    ]
    if facts.production:
        steps += [program_window_step(facts), policy_window_step(facts, root)]
    steps += github_environment_steps(facts, root)
    steps += [policies_step(facts), update_accepted_step(facts), rehearsal_step(facts), first_apply_step(facts)]
    return steps


def after_first_up(facts: StackFacts) -> list[Step]:
    stack = facts.stack
    monitoring = facts.settings.monitoring
    channels = facts.channels()
    sns = [e for e in monitoring.emails if any(c.startswith("SNS") for c in channels.get(e, []))]
    uptime = [e for e in monitoring.emails if any(c.startswith("UptimeRobot") for c in channels.get(e, []))]
    sentry = [e for e in monitoring.emails if any(c.startswith("Sentry") for c in channels.get(e, []))]
    region = f" --region {facts.region}" if facts.region else ""
    steps = []
    if sns:
        steps.append(
            Step(
                "Alarm e-mail subscriptions confirmed",
                MANUAL,
                f"the plan subscribes {len(sns)} address(es) to the alarm topic; AWS sends each a confirmation "
                "mail and delivers nothing until it is confirmed",
                f"each of {', '.join(sns)} opens the mail from AWS Notifications and clicks *Confirm subscription*. "
                f"Check: `aws{region} sns list-subscriptions-by-topic --topic-arn "
                f"$(pulumi stack output alarmTopicArn -s {stack}) --query 'Subscriptions[].[Endpoint,SubscriptionArn]' "
                "--output text` shows no `PendingConfirmation`.",
            )
        )
    if uptime:
        steps.append(
            Step(
                "UptimeRobot alert contacts activated",
                MANUAL,
                f"the plan creates {len(uptime)} e-mail alert contact(s); UptimeRobot alerts only activated ones",
                f"each of {', '.join(uptime)} clicks the activation link in UptimeRobot's mail; the contacts then "
                "show as active under *Integrations & Team* → *Alert contacts*.",
            )
        )
    if sentry:
        steps.append(
            Step(
                "On-call people are members of the Sentry organization",
                MANUAL,
                f"the plan puts {len(sentry)} existing member(s) of the organization "
                f"`{monitoring.sentry_organization}` on this stack's team `{monitoring.sentry_team}-{stack}`; "
                "the stack never invites anyone",
                f"invite each of {', '.join(sentry)} in Sentry (Settings → Members) and have them accept before "
                "the first up; with SENTRY_AUTH_TOKEN set, a preview names anyone who is not a member yet.",
            )
        )
    steps += [
        Step(
            "The running app passes its checks",
            MANUAL,
            "needs the deployed app",
            f"`python -m ops verify --stack {stack} --report verify-report.json`"
            + ("" if facts.production else " (or `make verify`)")
            + " exits 0.",
        ),
        pre_release_snapshot_step(facts),
        Step(
            "Readiness recorded",
            MANUAL,
            "needs the verification report",
            f"`python -m ops readiness {stack} --verify-report verify-report.json` lists every item with its "
            "evidence; keep it with the release.",
        ),
    ]
    return steps


def pre_release_snapshot_step(facts: StackFacts) -> Step:
    """The seed's "production database backup created before the deploy", as code: a `dbSnapshots` entry."""
    title = "Pre-release snapshot taken (`kitchen-kontrol:dbSnapshots`)"
    names = facts.settings.database.snapshots
    prefix = facts.settings.resource_prefix
    if names:
        listed = ", ".join(f"`{prefix}-{name}`" for name in names)
        return Step(
            title,
            DONE,
            f"the plan declares {len(names)} manual snapshot(s), kept when the stack drops them: {listed}; "
            "add a new name before each release",
        )
    return Step(
        title,
        MANUAL,
        "the plan declares no manual snapshot (nothing to snapshot before the first up)",
        f"before each later release: `pulumi config set --path -s {facts.stack} "
        "'kitchen-kontrol:dbSnapshots[N]' pre-release-$(date -u +%Y%m%d)` (N: the next index) in a pull request "
        "of its own, applied before the release's: an update does not order it before the release's other changes. "
        "It is a valid `dbRestore.snapshot` afterwards (runbook, *Backup and restore*).",
    )
