"""What several runbook sections say alike: the deploy-time values (stack outputs first, then what the
settings or the plan fix in advance), links to them, and how a change reaches the cloud."""

from __future__ import annotations

from ops.program.facts import WEB_SERVICE, StackFacts
from ops.shared.markdown import NOT_DEPLOYED
from ops.shared.outputs import StackOutputs


class DeployValues:
    """Deploy-time values: the stack outputs first, then what the settings or the plan fix in advance."""

    def __init__(self, facts: StackFacts, out: StackOutputs):
        settings = facts.settings
        domain = settings.render.custom_domain
        self.app_url = out.get("appUrl") or (f"https://{domain}" if domain else None)
        health = out.get("healthUrl")
        if not health and self.app_url:
            health = self.app_url.rstrip("/") + settings.app.health_path
        self.health_url = health
        self.render_dashboard = out.get("renderDashboardUrl")
        # The React build's own static site (the API serves no page).
        self.frontend_url = out.get("frontendUrl")
        self.frontend_dashboard = out.get("frontendDashboardUrl")
        self.sentry_project = out.get("sentryProjectUrl") or facts.plan_output("sentryProjectUrl")
        self.uptime_dashboard = out.get("uptimeDashboardUrl")
        self.db_endpoint = out.get("databaseEndpoint")
        self.topic_arn = out.get("alarmTopicArn")
        region = facts.region
        self.region = region
        identifier = facts.db_identifier
        console = f"https://{region}.console.aws.amazon.com" if region else None
        self.rds_console = self.alarms_console = self.topic_console = None
        if console:
            self.rds_console = f"{console}/rds/home?region={region}#database:id={identifier};is-cluster=false"
            self.alarms_console = f"{console}/cloudwatch/home?region={region}#alarmsV2:?search={facts.alarm_prefix()}"
            if self.topic_arn:
                self.topic_console = f"{console}/sns/v3/home?region={region}#/topic/{self.topic_arn}"
        self.db_host = self.db_endpoint.rsplit(":", 1)[0] if self.db_endpoint else None


def place(url: str | None, text: str) -> str:
    """A link to a deploy-time page, or its name and that it does not exist yet."""
    return f"[{text}]({url})" if url else f"{text} ({NOT_DEPLOYED})"


def aws_cli(v: DeployValues) -> str:
    # Without aws:region in the stack file the CLI falls back to the profile's region.
    return f"aws --region {v.region}" if v.region else "aws"


def auto_deploy(facts: StackFacts) -> bool:
    return facts.inputs(facts.one(WEB_SERVICE)).get("autoDeploy") == "yes"


def health_url_expr(facts: StackFacts, v: DeployValues) -> str:
    return v.health_url or f"$(pulumi stack output healthUrl -s {facts.stack})"


def apply_note(facts: StackFacts) -> str:
    """How a changed stack file reaches the cloud for this stack."""
    if facts.production:
        return (
            f"Change {facts.stack_file} in a reviewed pull request; this project never applies production, "
            "the release team applies it inside an approved release window."
        )
    return (
        f"Change {facts.stack_file} in a pull request: after the merge `deploy-staging.yml` applies it once "
        "`ci.yml` passed and a reviewer approved, or run `make up`."
    )
