"""ErrorTracking: the environment's Sentry team, project, client key (the app's SENTRY_DSN) and
issue alert, and who of the organization is on that team.

Everything here belongs to one environment: the team slug carries the environment, so staging
and production never declare the same Sentry object.  Organization membership is
organization-wide and is never created or deleted here: on-call people must already be
members, and `TeamMembership` only puts them on (and takes them off) this environment's team.

Credentials come from the environment (SENTRY_AUTH_TOKEN and SENTRY_TOKEN, see README); nothing
here reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import pulumi
import pulumiverse_sentry as sentry

from components import TOKEN_PREFIX, slug_of
from components.rules import SENTRY_SLUG
from components.sentry.membership import TeamMembership

FIRST_SEEN = "sentry.rules.conditions.first_seen_event.FirstSeenEventCondition"
REGRESSION = "sentry.rules.conditions.regression_event.RegressionEventCondition"
EMAIL_ACTION = "sentry.mail.actions.NotifyEmailAction"
# The provider's `slack_notify_service` action (newer typed actions) in this provider's map form.
SLACK_ACTION = "sentry.integrations.slack.notify_action.SlackNotifyServiceAction"


@dataclass(frozen=True, kw_only=True)
class ErrorTrackingArgs:
    organization: str
    team_slug: str
    project_slug: str
    environment: str
    # The environment the app reports to Sentry (its NODE_ENV): what the issue alert filters on.
    app_environment: str
    # On-call people, existing members of the organization; they join this environment's team.
    oncall_emails: Sequence[str]
    platform: str = "node"
    alert_frequency_minutes: int = 30
    # Also post to this Slack channel ("#alerts") through the organization's installed Slack integration.
    slack_integration_id: Optional[str] = None
    slack_channel: Optional[str] = None

    def __post_init__(self) -> None:
        if (self.slack_integration_id is None) != (self.slack_channel is None):
            raise ValueError("slack_integration_id, slack_channel: expected both or neither")
        if self.slack_integration_id is not None and not self.slack_integration_id.isdigit():
            raise ValueError("slack_integration_id: expected the numeric id of the organization's Slack integration")
        for field, value in (
            ("organization", self.organization),
            ("team_slug", self.team_slug),
            ("project_slug", self.project_slug),
        ):
            if not SENTRY_SLUG.match(value):
                raise ValueError(f"{field}: expected a Sentry slug (lowercase letters, digits, - and _)")
        if not self.team_slug.endswith(f"-{self.environment}"):
            raise ValueError("team_slug: expected the environment's own team, ending in -<environment>")
        if not self.app_environment.strip() or self.app_environment != self.app_environment.strip():
            raise ValueError("app_environment: expected the NODE_ENV the app reports to Sentry")
        if not self.oncall_emails:
            raise ValueError("oncall_emails: expected at least one on-call address")
        if not 5 <= self.alert_frequency_minutes <= 43200:
            raise ValueError("alert_frequency_minutes: expected 5 to 43200 (Sentry's limits)")


class ErrorTracking(pulumi.ComponentResource):
    dsn: pulumi.Output[str]
    project_url: pulumi.Output[str]

    def __init__(self, name: str, args: ErrorTrackingArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(f"{TOKEN_PREFIX}ErrorTracking", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        org = args.organization

        # Names and slugs are explicit: the bridged provider auto-names otherwise.
        team = sentry.SentryTeam(f"{name}-team", organization=org, name=args.team_slug, slug=args.team_slug, opts=child)
        project = sentry.SentryProject(
            f"{name}-project",
            organization=org,
            name=args.project_slug,
            slug=args.project_slug,
            platform=args.platform,
            teams=[team.slug],
            opts=child,
        )
        key = sentry.SentryKey(
            f"{name}-key",
            organization=org,
            project=project.slug,
            name=args.environment,
            opts=pulumi.ResourceOptions(parent=self, additional_secret_outputs=["dsnPublic"]),
        )
        # The on-call list joins this environment's team, so the team alert reaches exactly them.
        # Membership of the organization itself is looked up, never created or deleted here.
        for email in args.oncall_emails:
            TeamMembership(
                f"{name}-team-member-{slug_of(email)}",
                organization=org,
                team=args.team_slug,
                email=email,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[team]),
            )
        sentry.SentryIssueAlert(
            f"{name}-new-or-regressed",
            organization=org,
            project=project.slug,
            name=f"New or regressed issue ({args.environment})",
            # The app's Sentry.init sets `environment: process.env.NODE_ENV`; events carry that, not the stack.
            environment=args.app_environment,
            action_match="any",
            filter_match="all",
            frequency=args.alert_frequency_minutes,
            conditions=[{"id": FIRST_SEEN}, {"id": REGRESSION}],
            actions=[
                {"id": EMAIL_ACTION, "targetType": "Team", "targetIdentifier": team.internal_id},
                *_slack_actions(args),
            ],
            opts=child,
        )

        self.dsn = pulumi.Output.secret(key.dsn_public)
        self.project_url = project.slug.apply(lambda slug: f"https://sentry.io/organizations/{org}/projects/{slug}/")
        self.register_outputs({"dsn": self.dsn, "project_url": self.project_url})


def _slack_actions(args: ErrorTrackingArgs) -> list[dict[str, str]]:
    if not args.slack_integration_id or not args.slack_channel:
        return []
    return [{"id": SLACK_ACTION, "workspace": args.slack_integration_id, "channel": args.slack_channel}]
