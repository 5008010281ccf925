"""The project's config keys, derived from the settings models, and Pulumi.yaml's `config:` block made from them.

The models are the one declaration (alias = key, description, default, constraints); nothing here names a key
except `releaseWindow`, which the production guard reads as a whole object (`stacks/guard.py`).
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from stacks.settings import Settings

# Pulumi.yaml's type per kind; the CLI checks stack values against it before the program runs.
PROJECT_TYPES = {"str": "string", "int": "integer", "bool": "boolean", "list": "array", "object": "object"}
RELEASE_WINDOW = "releaseWindow"
RELEASE_WINDOW_DESCRIPTION = (
    "Production only: the program's key to an update (stack, approvedBy, changeReference, notBefore, notAfter; "
    "ISO-8601 with zone). Empty (the default): no update of a production stack."
)


@dataclass(frozen=True)
class ConfigKey:
    """One `kitchen-kontrol:*` key: where it lands in the settings and how Pulumi.yaml declares it."""

    key: str
    section: str  # a field of Settings: app, render, database, monitoring
    field: str  # the field of that section's model
    kind: Literal["str", "int", "bool", "list", "object"]
    description: str
    # As a stack file writes it; None: required in every stack. Optional values default to "" (unset).
    default: Any = None

    def declaration(self) -> dict[str, Any]:
        declared: dict[str, Any] = {"type": PROJECT_TYPES[self.kind]}
        if self.kind == "list":
            declared["items"] = {"type": "string"}
        if self.default is not None:
            declared["default"] = list(self.default) if isinstance(self.default, tuple) else self.default
        declared["description"] = self.description
        return declared


def _kind(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):  # Optional[X]
        (annotation,) = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        origin = typing.get_origin(annotation)
    if origin is tuple:
        return "list"
    if origin is Literal or annotation is str:
        return "str"
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "object"
    raise TypeError(f"no config kind for {annotation!r}: extend stacks/config_keys.py")


def _constraints(info: FieldInfo) -> str:
    """What the model enforces that a reader of Pulumi.yaml needs: the choices and the bounds."""
    annotation = info.annotation
    if typing.get_origin(annotation) is Literal:
        return f" One of: {', '.join(typing.get_args(annotation))}."
    bounds = {type(m).__name__: m for m in info.metadata}
    low, high = bounds.get("Ge"), bounds.get("Le")
    if low and high:
        return f" From {low.ge} to {high.le}."
    return ""


def _default(info: FieldInfo) -> Any:
    if info.default is PydanticUndefined:
        return None
    if info.default is None:
        # unset: the CLI then needs no value in every stack (an object's "unset" is empty)
        return {} if _kind(info.annotation) == "object" else ""
    return info.default


def keys_of(section: str, model: type[BaseModel]) -> list[ConfigKey]:
    keys = []
    for name, info in model.model_fields.items():
        if info.alias is None or info.description is None:
            raise TypeError(
                f"{model.__name__}.{name}: every settings field needs its config key (alias) and description"
            )
        keys.append(
            ConfigKey(
                key=info.alias,
                section=section,
                field=name,
                kind=_kind(info.annotation),
                description=info.description + _constraints(info),
                default=_default(info),
            )
        )
    return keys


def _derive() -> dict[str, ConfigKey]:
    keys: dict[str, ConfigKey] = {}
    for section, info in Settings.model_fields.items():
        if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
            keys.update((k.key, k) for k in keys_of(section, info.annotation))
    return keys


KEYS: dict[str, ConfigKey] = _derive()
# Read by the production guard as a whole, not by the settings; declared here so Pulumi.yaml has it too.
OTHER_KEYS: dict[str, ConfigKey] = {
    RELEASE_WINDOW: ConfigKey(
        key=RELEASE_WINDOW, section="", field="", kind="object", description=RELEASE_WINDOW_DESCRIPTION, default={}
    )
}


def project_config_block() -> dict[str, dict[str, Any]]:
    """Pulumi.yaml's `config:` mapping, in the models' order."""
    return {key.key: key.declaration() for key in (*KEYS.values(), *OTHER_KEYS.values())}
