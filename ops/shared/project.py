"""The project on disk: Pulumi.yaml and the stack files, read the way the CLI hands them to a program."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ops.shared.errors import UsageError

ROOT = Path(__file__).resolve().parents[2]
_STACK_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
# Stack files hold no secret by design; an encrypted value cannot be read offline, so the plan
# substitutes this marker and keeps the key secret.
OFFLINE_SECRET = "offline-plan-undecryptable-secret"  # noqa: S105 - a marker, not a secret


@dataclass(frozen=True)
class StackConfig:
    project: str
    stack: str
    path: Path
    config: dict[str, str]
    secret_keys: list[str] = field(default_factory=list)


def load_yaml(text: str):
    # Imported here: `ops verify` imports this module and runs where only the standard library is installed.
    import yaml

    # libyaml's parser when PyYAML has it: the same result, several times faster.
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader


def _project_file(root: Path) -> dict[str, Any]:
    import yaml  # see load_yaml

    try:
        data = load_yaml((root / "Pulumi.yaml").read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise UsageError(f"cannot read {root / 'Pulumi.yaml'}: {exc.__class__.__name__}") from None
    name = data.get("name") if isinstance(data, dict) else None
    if not isinstance(name, str) or not name:
        raise UsageError("Pulumi.yaml: expected a `name`")
    if not isinstance(data.get("config") or {}, dict):
        raise UsageError("Pulumi.yaml: expected `config:` to be a mapping of keys")
    return data


def project_name(root: Path = ROOT) -> str:
    return _project_file(root)["name"]


def _project_defaults(project: dict[str, Any]) -> dict[str, str]:
    """The declared defaults, keyed as the program sees them. The CLI hands the program the default of
    every declared key a stack leaves out (pkg/workspace/config.go, mergeConfig), and so does the plan."""
    defaults = {}
    for key, declared in (project.get("config") or {}).items():
        if isinstance(declared, dict) and "default" in declared:
            full_key = key if ":" in key else f"{project['name']}:{key}"
            defaults[full_key] = as_config_string(declared["default"])
    return defaults


def load_stack_config(stack: str, root: Path = ROOT) -> StackConfig:
    """Config as `PULUMI_CONFIG` carries it: `ns:key` -> string, lists and objects as JSON."""
    import yaml  # see load_yaml

    if not _STACK_NAME.match(stack):
        raise UsageError(f"stack name {stack!r}: expected letters, digits, '-', '_' or '.'")
    project_file = _project_file(root)
    project = project_file["name"]
    path = root / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        known = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in root.glob("Pulumi.*.yaml"))
        raise UsageError(f"unknown stack {stack!r}: no {path.name} (stacks here: {', '.join(known) or 'none'})")
    try:
        data = load_yaml(path.read_text()) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise UsageError(f"{path.name}: not valid YAML{where}") from None
    raw = data.get("config") or {} if isinstance(data, dict) else None
    if not isinstance(raw, dict):
        raise UsageError(f"{path.name}: expected a `config:` mapping")

    config: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in raw.items():
        full_key = key if ":" in key else f"{project}:{key}"
        if _is_secure(value):
            config[full_key] = OFFLINE_SECRET
            secret_keys.append(full_key)
        else:
            config[full_key] = as_config_string(value)
    for key, default in _project_defaults(project_file).items():
        config.setdefault(key, default)
    return StackConfig(project=project, stack=stack, path=path, config=config, secret_keys=secret_keys)


def _is_secure(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"secure"}


def as_config_string(value: Any) -> str:
    """A config value as the engine hands it to a program (PULUMI_CONFIG): text, with lists and objects as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)) or value is None:
        return json.dumps(value)
    return json.dumps(value, default=str)
