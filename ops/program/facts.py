"""What the operations documents know about a stack, from the sources that can prove it.

Typed settings from the stack file, the resources and inputs the program declares (the offline
plan), and helpers shared by `ops runbook`, `ops checklist` and `ops readiness`. Values are read
masked, as the plan prints them: a secret is "[secret]" and never its value.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ops.program.runner import PlanRefused, PlanResult, run_plan
from ops.shared.errors import UsageError
from ops.shared.masks import SECRET_MASK, UNKNOWN_MASK, mask
from ops.shared.project import ROOT, StackConfig, load_stack_config
from stacks.config_parsing import ConfigError, parse_settings
from stacks.guard import is_production
from stacks.settings import PROJECT, Settings

RDS_INSTANCE = "aws:rds/instance:Instance"
WEB_SERVICE = "render:services:WebService"
ENV_VAR = "render:services:EnvVar"
SECRET_FILE = "render:services:SecretFile"  # noqa: S105  # pragma: allowlist secret (a type token)
MONITOR_SUFFIX = ":Monitor"
ALERT_CONTACT_SUFFIX = ":AlertContact"
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
ISSUE_ALERT = "sentry:index/sentryIssueAlert:SentryIssueAlert"
SENTRY_MEMBER = "pulumi-python:dynamic/sentry:TeamMembership"
NOTIFICATION_OVERRIDE = "pulumi-python:dynamic/render:NotificationOverride"
SLACK_INTEGRATION = "pulumi-python:dynamic/uptimerobot:SlackIntegration"
CHATBOT = "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration"
SENTRY_SLACK_ACTION = "sentry.integrations.slack.notify_action.SlackNotifyServiceAction"
POLICY_FLAGS = "--policy-pack policies --policy-pack-config policies/config.{stack}.json"


def load_settings(stack: str, root: Path = ROOT) -> tuple[StackConfig, Settings]:
    """The stack file and its typed settings; a bad value is a UsageError naming the key."""
    config = load_stack_config(stack, root)
    prefix = f"{PROJECT}:"
    raw = {key[len(prefix) :]: value for key, value in config.config.items() if key.startswith(prefix)}
    try:
        return config, parse_settings(stack, raw, config=config.config)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


@dataclass
class StackFacts:
    config: StackConfig
    settings: Settings
    plan: PlanResult  # the preview phase of the offline plan

    @property
    def stack(self) -> str:
        return self.settings.stack

    @property
    def production(self) -> bool:
        return is_production(self.stack)

    @property
    def region(self) -> str | None:
        return self.config.config.get("aws:region")

    @property
    def stack_file(self) -> str:
        return self.config.path.name

    @property
    def policy_flags(self) -> str:
        return POLICY_FLAGS.format(stack=self.stack)

    # ------------------------------------------------------------------ resources

    def resources(self, type_: str) -> list:
        """Registrations of a type (or of a type suffix such as ':Monitor'), in name order."""
        suffix = type_.startswith(":")
        found = [r for r in self.plan.resources if r.type == type_ or (suffix and r.type.endswith(type_))]
        return sorted(found, key=lambda r: r.name)

    def one(self, type_: str):
        found = self.resources(type_)
        return found[0] if len(found) == 1 else None

    def protected(self) -> list:
        return sorted((r for r in self.plan.resources if r.protect), key=lambda r: r.urn)

    @staticmethod
    def inputs(resource) -> dict[str, Any]:
        return mask(resource.inputs) if resource is not None else {}

    def env_vars(self) -> list[tuple[str, bool]]:
        """(name, secret) of every env var the stack sets on the web service, by name."""
        pairs = []
        for resource in self.resources(ENV_VAR):
            inputs = self.inputs(resource)
            pairs.append((str(inputs.get("envVarKey")), inputs.get("value") == SECRET_MASK))
        return sorted(pairs)

    def channels(self) -> dict[str, list[str]]:
        """Email address -> the alert channels the plan subscribes it to (UptimeRobot, SNS, Sentry)."""
        found: dict[str, list[str]] = {}
        sources = (
            (ALERT_CONTACT_SUFFIX, "value", "UptimeRobot alert contact"),
            (SUBSCRIPTION, "endpoint", "SNS email subscription (alarms)"),
            (SENTRY_MEMBER, "email", "Sentry team member"),
        )
        for type_, field, channel in sources:
            for resource in self.resources(type_):
                address = self.inputs(resource).get(field)
                if isinstance(address, str):
                    found.setdefault(address.lower(), []).append(channel)
        return found

    def plan_output(self, name: str) -> str | None:
        """A stack output the preview already knows (e.g. the Sentry project URL), else None."""
        value = mask(self.plan.outputs).get(name)
        return value if isinstance(value, str) and value not in (SECRET_MASK, UNKNOWN_MASK) else None

    @property
    def db_identifier(self) -> str:
        """The instance the stack runs on: its own, or the one `dbRestore` made."""
        return self.settings.db_identifier

    def db_instance(self):
        """The registration of the instance the stack runs on (a restore declares the old one beside it)."""
        return next((r for r in self.resources(RDS_INSTANCE) if r.inputs.get("identifier") == self.db_identifier), None)

    def alarm_prefix(self) -> str:
        """What every alarm's name starts with: the provider appends a random suffix to the resource name."""
        names = [r.name for r in self.resources(ALARM)]
        common = _common_prefix(names) if names else f"{self.settings.resource_prefix}-db-alarms-"
        return common if common.endswith("-") else common.rsplit("-", 1)[0] + "-"


def load_facts(stack: str, root: Path = ROOT, *, policies: Path | bool = False, mocks=None) -> StackFacts:
    """Settings and the offline preview of `stack`; UsageError for a bad stack file."""
    config, settings = load_settings(stack, root)
    try:
        plan = run_plan(stack, preview=True, root=root, mocks=mocks, policies=policies)
    except PlanRefused as exc:  # a preview is never refused; say so if it ever is
        raise UsageError(f"the offline preview of {stack!r} was refused: {exc}") from None
    return StackFacts(config=config, settings=settings, plan=plan)


def _common_prefix(names: list[str]) -> str:
    first, last = min(names), max(names)
    size = next((i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), min(len(first), len(last)))
    return first[:size]
