"""`kitchen-kontrol:slackAlerts`: one Slack channel (#alerts) for every alert channel; off when absent."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from components.rules import SLACK_CHANNEL_ID_PATTERN, SLACK_CHANNEL_PATTERN, SLACK_TEAM_ID_PATTERN
from stacks.settings.base import SettingsModel

UPTIMEROBOT_WEBHOOK_ENV = "UPTIMEROBOT_SLACK_WEBHOOK_URL"


class SlackAlerts(SettingsModel):
    """Where CloudWatch (through AWS Chatbot), Sentry and UptimeRobot post. The UptimeRobot webhook URL is a
    secret and never part of this object: the provider reads it from UPTIMEROBOT_SLACK_WEBHOOK_URL."""

    channel: str = Field(
        pattern=SLACK_CHANNEL_PATTERN,
        description="The channel's name with its #, e.g. #alerts (Sentry and UptimeRobot post by name).",
    )
    channel_id: str = Field(
        alias="channelId",
        pattern=SLACK_CHANNEL_ID_PATTERN,
        description="The channel's id, e.g. C0123456789 (Slack: channel details, bottom); AWS Chatbot posts by id.",
    )
    workspace_id: str = Field(
        alias="workspaceId",
        pattern=SLACK_TEAM_ID_PATTERN,
        description="The Slack workspace (team) id, e.g. T0123456789, as authorised once in the AWS Chatbot console.",
    )
    sentry_integration_id: str = Field(
        alias="sentryIntegrationId",
        pattern=r"^[0-9]{1,20}$",
        description="Id of the Slack integration installed in the Sentry organization (Settings > Integrations).",
    )

    @field_validator("sentry_integration_id", mode="before")
    @classmethod
    def _digits_as_text(cls, value: Any) -> Any:
        # `pulumi config set --path slackAlerts.sentryIntegrationId 123456` stores a number.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else value
