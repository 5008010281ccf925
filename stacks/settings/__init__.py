"""Typed stack settings: the single declaration of every `kitchen-kontrol:*` key, one module per section.

Each field's alias is its config key and its description is the key's documentation:
`stacks/config_keys.py` derives the key table and Pulumi.yaml's `config:` block from these models
(`make project-config`), and `stacks/config_parsing.py` turns a stack's raw config into them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Optional

from pydantic import ValidationInfo, model_validator

from stacks.settings.app import AppSettings, RenderSettings
from stacks.settings.base import PROJECT, SettingsModel, keyed, stack_file
from stacks.settings.database import DatabaseSettings
from stacks.settings.monitoring import (
    CONTACT_ROLES,
    DEFAULT_ESCALATION,
    ESCALATION_FORMAT,
    FREE_PLAN_MIN_INTERVAL_SECONDS,
    Contact,
    EscalationLevel,
    MonitoringSettings,
    is_reserved_example_address,
)
from stacks.settings.restore import restore_problem

__all__ = [
    "CONTACT_ROLES",
    "DEFAULT_ESCALATION",
    "ESCALATION_FORMAT",
    "FREE_PLAN_MIN_INTERVAL_SECONDS",
    "PROJECT",
    "AppSettings",
    "Contact",
    "DatabaseSettings",
    "EscalationLevel",
    "MonitoringSettings",
    "RenderSettings",
    "Settings",
    "is_reserved_example_address",
    "stack_file",
]


class Settings(SettingsModel):
    stack: str
    aws_region: Optional[str] = None  # aws:region as the engine handed it (checked in parse_settings)
    app: AppSettings
    render: RenderSettings
    database: DatabaseSettings
    monitoring: MonitoringSettings

    @model_validator(mode="after")
    def _restore_fits_the_stack(self, info: ValidationInfo) -> Settings:
        now = (info.context or {}).get("now") or datetime.now(UTC)
        problem = restore_problem(self.resource_prefix, self.database, now)
        if problem:
            raise keyed(*problem)
        return self

    @property
    def db_identifier(self) -> str:
        """The identifier of the instance the stack runs on: the stack's own, or dbRestore's new one."""
        return self.database.current_identifier(self.resource_prefix)

    @property
    def tags(self) -> dict[str, str]:
        return {"project": PROJECT, "environment": self.stack, "managed-by": "pulumi"}

    @property
    def resource_prefix(self) -> str:
        return f"kitchen-kontrol-{self.stack}"

    def unfinished(self) -> list[str]:
        """Values that preview fine but would build something useless: documentation CIDRs and
        reserved example domains (RFC 2606) that must be replaced before an update."""
        problems = []
        documentation = self.database.documentation_cidrs()
        if documentation:
            problems.append(
                f"{PROJECT}:dbAllowedCidrs holds documentation ranges ({', '.join(documentation)}): "
                "set Render's outbound IPs"
            )
        examples = [e for e in self.monitoring.emails if is_reserved_example_address(e)]
        if examples:
            problems.append(
                f"{PROJECT}:oncallContacts holds {len(examples)} address(es) at reserved example domains: "
                "set the real on-call people"
            )
        return problems
