"""The application and its Render web service: the `app*` and `render*` keys."""

from __future__ import annotations

import re
from typing import Literal, Optional
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from components.rules import RENDER_NOTIFICATIONS, RENDER_PREVIEW_NOTIFICATIONS, RENDER_PROJECT_ID_PATTERN
from stacks.settings.base import SettingsModel

# The app's `npm run migrate:up` is `node-pg-migrate up`, whose default directory is migrations/; the app's
# migrations are in db/migrations/ (docs/app-contract.md), so the directory is named.
MIGRATE_COMMAND = "npm run migrate:up -- --migrations-dir db/migrations"
_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class AppSettings(SettingsModel):
    repo: str = Field(
        default="https://github.com/rubyrayjuntos/kitchen-kontrol",
        alias="appRepo",
        description="HTTPS URL of the application's GitHub repository.",
    )
    branch: str = Field(
        default="main",
        pattern=r"^[A-Za-z0-9._/-]{1,100}$",
        alias="appBranch",
        description="Git branch Render builds and auto-deploys.",
    )
    build_command: str = Field(
        default="npm ci --omit=dev",
        min_length=1,
        alias="appBuildCommand",
        description=(
            "Render build command of the API service (server.js): installs the app's runtime dependencies only; "
            "the React build is the static site's (appFrontendBuildCommand)."
        ),
    )
    frontend_build_command: str = Field(
        default="npm ci && npm run build",
        min_length=1,
        alias="appFrontendBuildCommand",
        description="Render build command of the frontend static site (the React build, REACT_APP_API_URL baked in).",
    )
    frontend_publish_path: str = Field(
        default="build",
        pattern=r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$",
        alias="appFrontendPublishPath",
        description="Folder of the React build that the static site publishes.",
    )
    start_command: str = Field(
        default="node server.js", min_length=1, alias="appStartCommand", description="Render start command."
    )
    pre_deploy_command: str = Field(
        default=MIGRATE_COMMAND,
        alias="appPreDeployCommand",
        description=(
            "Render pre-deploy command, run on every deploy after the build and before the new instances start: "
            "the app's migrations (node-pg-migrate; its migrate:up script looks in migrations/, the app keeps them "
            "in db/migrations/). A failure fails the deploy and the previous version keeps serving. "
            'Empty ("") turns the step off.'
        ),
    )
    port: int = Field(
        default=3002,
        ge=1,
        le=65535,
        alias="appPort",
        description="Port server.js listens on; exported to the app as PORT.",
    )
    health_path: str = Field(
        default="/api/health",
        pattern=r"^/[A-Za-z0-9._~/-]*$",
        alias="appHealthPath",
        description='Path of the health endpoint answering {"status":"ok"}.',
    )
    # No default: the CLI hands a stack that leaves a key out Pulumi.yaml's default, and a production
    # stack must never inherit "staging". Every stack names it.
    node_env: Literal["development", "staging", "production"] = Field(
        alias="appNodeEnv", description="NODE_ENV of the app."
    )
    log_level: Literal["error", "warn", "info", "http", "verbose", "debug"] = Field(
        default="info", alias="appLogLevel", description="LOG_LEVEL of the app."
    )

    @field_validator("pre_deploy_command")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if value and (not value.strip() or "\n" in value or "\r" in value):
            raise ValueError('expected a command on one line, or "" to turn the pre-deploy step off')
        return value

    @field_validator("repo")
    @classmethod
    def _github_https(cls, value: str) -> str:
        parts = urlsplit(value)
        path = parts.path.removesuffix(".git").strip("/").split("/")
        if (
            parts.scheme != "https"
            or parts.hostname != "github.com"
            or parts.username is not None
            or parts.query
            or len(path) != 2
            or not all(re.fullmatch(r"[A-Za-z0-9._-]+", p) for p in path)
        ):
            raise ValueError("expected https://github.com/OWNER/REPO without credentials")
        return value


class RenderSettings(SettingsModel):
    owner_id: Optional[str] = Field(
        default=None,
        pattern=r"^(usr|tea)-[a-z0-9]{10,40}$",
        alias="renderOwnerId",
        description="Render workspace (owner) id, e.g. tea-...; when unset the API key's only workspace is used.",
    )
    region: Literal["frankfurt", "ohio", "oregon", "singapore", "virginia"] = Field(
        default="oregon", alias="renderRegion", description="Render region."
    )
    plan: Literal["starter", "standard", "pro", "pro_plus", "pro_max", "pro_ultra"] = Field(
        default="starter", alias="renderPlan", description="Render instance plan."
    )
    instances: int = Field(default=1, ge=1, le=10, alias="renderInstances", description="Number of Render instances.")
    custom_domain: Optional[str] = Field(
        default=None,
        alias="renderCustomDomain",
        description="Optional custom domain for the service; API_URL uses it when set.",
    )

    notifications: Literal[RENDER_NOTIFICATIONS] = Field(  # type: ignore[valid-type]
        default="failure",
        alias="renderNotifications",
        description=(
            "Which of the service's events Render e-mails to the workspace's members: failure (a failed deploy, "
            "a suspended service, a failed health check), all, none, or default (the workspace's setting)."
        ),
    )
    preview_notifications: Literal[RENDER_PREVIEW_NOTIFICATIONS] = Field(  # type: ignore[valid-type]
        default="default",
        alias="renderPreviewNotifications",
        description="Whether Render also notifies about the service's preview environments: true, false or default.",
    )
    project_id: Optional[str] = Field(
        default=None,
        pattern=RENDER_PROJECT_ID_PATTERN,
        alias="renderProjectId",
        description=(
            "Render project (prj-...) that gets this stack's environment; when unset the stack creates the "
            "project kitchen-kontrol with its environment (production's own, in production's workspace). Set it "
            "to staging's renderProjectId output only when both stacks deploy to the same Render workspace."
        ),
    )

    @field_validator("custom_domain")
    @classmethod
    def _hostname(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not _HOSTNAME.match(value):
            raise ValueError("expected a lowercase hostname such as staging.example.com")
        return value
