"""The policy-pack config as the Pulumi CLI reads `--policy-pack-config`: parsed, merged with the
pack's schema defaults, and checked against each policy's schema."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from google.protobuf import json_format
from pulumi.runtime.proto import analyzer_pb2


class PolicyConfigError(ValueError):
    """The policy-pack config file is unreadable or does not match the policies' schemas."""


_LEVELS = ("advisory", "mandatory", "remediate", "disabled")


def load_policy_config(source: str | os.PathLike[str] | Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Parse a policy-pack config (file path or mapping) into {policy: {enforcementLevel?, **props}}."""
    if source is None:
        return {}
    if isinstance(source, Mapping):
        raw: Any = source
        where = "policy config"
    else:
        where = str(source)
        try:
            text = Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise PolicyConfigError(f"{where}: cannot read ({exc.strerror})") from None
        if not text.strip():
            return {}
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise PolicyConfigError(f"{where}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(raw, Mapping):
        raise PolicyConfigError(f"{where}: expected a JSON object of policy name -> level or object")
    result: dict[str, dict[str, Any]] = {}
    for name, value in raw.items():
        if isinstance(value, str):
            entry: dict[str, Any] = {"enforcementLevel": value}
        elif isinstance(value, Mapping):
            entry = dict(value)
        else:
            raise PolicyConfigError(f"{where}: {name!r} must be an enforcement level string or an object")
        level = entry.get("enforcementLevel")
        if level is not None and level not in _LEVELS:
            raise PolicyConfigError(f"{where}: {name}.enforcementLevel must be one of {', '.join(_LEVELS)}")
        result[str(name)] = entry
    return result


CHECKS = ("pack", "cli", "none")


def reconcile_policy_config(
    info: Any, given: Mapping[str, Mapping[str, Any]], *, check: str = "pack"
) -> dict[str, dict[str, Any]]:
    """Mimic the CLI's ReconcilePolicyPackConfig: schema defaults, initial config, then ``given``.

    ``all`` sets the level of every policy before per-policy entries apply.  The result is
    validated against each policy's config schema; errors are listed in one exception.

    ``check`` says how strictly: ``"pack"`` (default) as the pack itself judges its config,
    unknown properties and unknown policy names refused; ``"cli"`` exactly what the Pulumi
    CLI refuses (its schema cannot say ``additionalProperties: false``, so a misspelt
    property gets through to the pack); ``"none"`` sends the config unchecked, to see what
    the pack does with a config nothing else caught.
    """
    if check not in CHECKS:
        raise ValueError(f"check must be one of {', '.join(CHECKS)}")
    level_name = analyzer_pb2.EnforcementLevel.Name
    result: dict[str, dict[str, Any]] = {}
    schemas: dict[str, dict[str, Any]] = {}
    for policy in info.policies:
        schema = json_format.MessageToDict(policy.configSchema) if policy.HasField("configSchema") else {}
        props = {k: v["default"] for k, v in schema.get("properties", {}).items() if "default" in v}
        result[policy.name] = {"enforcementLevel": level_name(policy.enforcementLevel).lower(), **props}
        schemas[policy.name] = schema

    def apply(config: Mapping[str, Mapping[str, Any]]) -> None:
        all_level = (config.get("all") or {}).get("enforcementLevel")
        if all_level:
            for entry in result.values():
                entry["enforcementLevel"] = all_level
        for name, entry in config.items():
            merged = result.setdefault(name, {})
            merged.update(entry)

    initial = {k: json_format.MessageToDict(v) for k, v in info.initialConfig.items()}
    if initial:
        apply({k: {**v.get("properties", {}), **_level(v)} for k, v in initial.items()})
    apply(given)

    errors = []
    if check == "none":
        return result
    for name, schema in schemas.items():
        props = {k: v for k, v in result[name].items() if k != "enforcementLevel"}
        errors += [f"{name}: {e}" for e in _schema_errors(schema, props, strict=check == "pack")]
    if check == "pack":
        unknown = sorted(set(given) - set(schemas) - {"all"})
        errors += [f"{name}: no such policy in the pack" for name in unknown]
    if errors:
        raise PolicyConfigError("policy config does not match the pack: " + "; ".join(errors))
    return result


def _level(config: Mapping[str, Any]) -> dict[str, Any]:
    level = config.get("enforcementLevel")
    return {"enforcementLevel": str(level).lower()} if level else {}


def _schema_errors(schema: Mapping[str, Any], props: Mapping[str, Any], *, strict: bool) -> list[str]:
    full = {"type": "object", **{k: v for k, v in schema.items() if k in ("properties", "required")}}
    if strict:
        # As the pack judges its config, with its own check: the same verdict and messages that name
        # the property and what is expected, never the value.
        from policies.rules import schema_problems

        return list(schema_problems({**full, "additionalProperties": False}, dict(props)))
    # As the CLI judges it: JSON Schema, unknown properties let through. Imported here: ~40 ms.
    import jsonschema

    validator = jsonschema.Draft7Validator(full)
    return [
        f"{'.'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
        for e in sorted(validator.iter_errors(dict(props)), key=lambda e: list(map(str, e.absolute_path)))
    ]


def production_fingerprints(config: Mapping[str, Mapping[str, Any]]) -> frozenset[str]:
    """The production-secret fingerprints a policy config gives the no-production-secrets rule."""
    values = config.get("no-production-secrets", {}).get("productionSecretFingerprints") or []
    return frozenset(str(f).lower() for f in values) if isinstance(values, list) else frozenset()
