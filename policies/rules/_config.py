"""Strict policy config: every rule's properties are checked inside the pack, not only by the CLI.

The Pulumi CLI validates ``--policy-pack-config`` against each policy's schema, but the
Analyzer protocol carries only ``properties`` and ``required``: the CLI wraps them in an
object schema that accepts any property it does not know.  A typo such as
``productionSecretFingerprint`` (missing "s") or ``minDays`` would then be accepted and
ignored, silently switching a protection off.  So each rule validates the config it is
handed against its own schema, with unknown properties refused, and fails closed when it
does not match.

Only a small, explicit subset of JSON Schema is used; ``check_schema`` refuses anything
else when a rule is defined, so no keyword can be silently unenforced.  Messages name the
property and what is expected, never the value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any

KEYWORDS = frozenset(
    {"type", "properties", "additionalProperties", "required", "items", "pattern", "minimum", "maximum", "enum"}
)
ANNOTATIONS = frozenset({"default", "description"})
_EXPECTED = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
}


def check_schema(schema: Mapping[str, Any], where: str) -> None:
    """Raise ValueError when ``schema`` uses a keyword this validator does not enforce, or
    declares an object that would accept unknown properties."""
    unknown = set(schema) - KEYWORDS - ANNOTATIONS
    if unknown:
        raise ValueError(f"{where}: unsupported schema keyword(s) {', '.join(sorted(unknown))}")
    kind = schema.get("type")
    if kind not in _EXPECTED:
        raise ValueError(f"{where}: expected a type among {', '.join(_EXPECTED)}")
    if kind == "object":
        if schema.get("additionalProperties") is not False:
            raise ValueError(f"{where}: an object schema must set additionalProperties: false")
        for name, child in (schema.get("properties") or {}).items():
            check_schema(child, f"{where}.{name}")
    if kind == "array" and "items" in schema:
        check_schema(schema["items"], f"{where}[]")


def root_schema(properties: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    return {"type": "object", "properties": dict(properties), "additionalProperties": False}


def _is_type(value: Any, kind: str) -> bool:
    if isinstance(value, bool):
        return kind == "boolean"
    if kind == "integer":
        # Config numbers cross the wire as floats: 7.0 is the integer 7.
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if kind == "number":
        return isinstance(value, (int, float))
    if kind == "string":
        return isinstance(value, str)
    if kind == "array":
        return isinstance(value, Sequence) and not isinstance(value, (str, bytes))
    if kind == "object":
        return isinstance(value, Mapping)
    return False


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def problems(schema: Mapping[str, Any], value: Any, path: str = "") -> Iterator[str]:
    """What is wrong with ``value`` under ``schema``, one message per problem."""
    where = path or "(config)"
    kind = schema.get("type")
    if kind and not _is_type(value, kind):
        yield f"{where}: expected {_EXPECTED[kind]}"
        return
    if "enum" in schema and value not in schema["enum"]:
        yield f"{where}: expected one of {', '.join(map(str, schema['enum']))}"
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        yield f"{where}: expected a string matching {schema['pattern']}"
    if "minimum" in schema and value < schema["minimum"]:
        yield f"{where}: expected at least {schema['minimum']:g}"
    if "maximum" in schema and value > schema["maximum"]:
        yield f"{where}: expected at most {schema['maximum']:g}"
    if kind == "object":
        declared = schema.get("properties") or {}
        for key in value:
            if key in declared:
                yield from problems(declared[key], value[key], _join(path, key))
            elif schema.get("additionalProperties") is False:
                allowed = ", ".join(sorted(declared)) or "none"
                yield f"{_join(path, key)}: unknown property (allowed: {allowed})"
        for key in schema.get("required") or ():
            if key not in value:
                yield f"{_join(path, key)}: required"
    if kind == "array" and "items" in schema:
        for index, item in enumerate(value):
            yield from problems(schema["items"], item, _join(path, index))


@lru_cache(maxsize=256)
def _cached(schema_json: str, config_json: str) -> tuple[str, ...]:
    return tuple(problems(json.loads(schema_json), json.loads(config_json)))


def schema_json(properties: Mapping[str, Mapping[str, Any]]) -> str:
    return json.dumps(root_schema(properties), sort_keys=True)


def config_problems(schema_text: str, config: Mapping[str, Any]) -> tuple[str, ...]:
    """Problems of a policy's config (``enforcementLevel`` excluded) against ``schema_json(...)``.

    Memoised on the JSON text: the SDK hands every validation a fresh copy of the same config.
    """
    given = {k: v for k, v in config.items() if k != "enforcementLevel"}
    try:
        config_json = json.dumps(given, sort_keys=True)
    except (TypeError, ValueError):
        return ("(config): expected JSON values only",)
    return _cached(schema_text, config_json)
