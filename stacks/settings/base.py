"""What every settings model shares: the project and its stack files, the model configuration, cross-field errors."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticCustomError

PROJECT = "kitchen-kontrol"


def stack_file(stack: str) -> str:
    return f"Pulumi.{stack}.yaml"


class SettingsModel(BaseModel):
    # Fields by name in code, by config key (the alias) from a stack's config.
    model_config = ConfigDict(extra="forbid", frozen=True, validate_by_name=True, validate_by_alias=True)


def keyed(key: str, reason: str) -> PydanticCustomError:
    """A check across fields, naming the config key the user should change."""
    return PydanticCustomError("config_key", "{reason}", {"key": key, "reason": reason})
