"""Untrusted JSON read and checked against a JSON schema, with the standard library only.

The PR comment's composer (comment.py beside it) runs on the runner's bare python3 and reads documents a pull
request's code wrote, so it cannot use the `jsonschema` package: this is the subset of JSON Schema 2020-12 that
plan.schema.json uses. A keyword outside the subset raises RuntimeError (a schema the check does not understand
never passes a document); tests/plan/test_schema_check.py holds it to `jsonschema` on the real schema.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

MAX_BYTES = 8_000_000  # a plan document is ~50 kB; a bigger file is not read
MAX_PATTERN_INPUT = 2_000  # a string checked against a pattern (URNs are ~200 characters)


class Invalid(Exception):
    """Where (a path that may hold the document's keys: show it inert) and why (the schema's words only)."""

    def __init__(self, where: str, why: str):
        super().__init__(f"{where or '(document)'}: {why}")
        self.where, self.why = where or "(document)", why


_ANNOTATIONS = {"$schema", "$id", "$defs", "title", "description", "format"}
_TYPES = {"object": dict, "array": list, "string": str, "null": type(None)}


def _is(kind: str, value: Any) -> bool:
    if kind in ("integer", "number", "boolean"):
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
        return {"boolean": isinstance(value, bool), "integer": numeric and isinstance(value, int)}.get(kind, numeric)
    return isinstance(value, _TYPES[kind])


def same(a: Any, b: Any) -> bool:
    """JSON equality: true is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


_KEYWORDS = {"$ref", "type", "const", "enum", "required", "properties", "additionalProperties", "items", "minItems"}
_KEYWORDS |= {"pattern", "minimum", "allOf", "anyOf", "oneOf", "not", "if", "then", "else"}


def validate(value: Any, schema: dict, root: dict, where: str = "") -> None:
    """The subset of JSON Schema 2020-12 plan.schema.json uses; a keyword outside it is a bug, never a pass."""
    unknown = set(schema) - _ANNOTATIONS - _KEYWORDS
    if unknown:
        raise RuntimeError(f"plan.schema.json uses {sorted(unknown)}, which the composer does not check")
    if "$ref" in schema:
        target: Any = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        validate(value, target, root, where)
    if "type" in schema:
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is(kind, value) for kind in kinds):
            raise Invalid(where, f"expected {' or '.join(kinds)}")
    if "const" in schema and not same(value, schema["const"]):
        raise Invalid(where, f"expected {schema['const']!r}")
    if "enum" in schema and not any(same(value, option) for option in schema["enum"]):
        raise Invalid(where, f"expected one of {schema['enum']}")
    if isinstance(value, dict):
        _object(value, schema, root, where)
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            raise Invalid(where, f"fewer than {schema['minItems']} items")
        for index, item in enumerate(value):
            validate(item, schema.get("items", {}), root, f"{where}[{index}]")
    if isinstance(value, str) and "pattern" in schema:
        if len(value) > MAX_PATTERN_INPUT or not re.search(schema["pattern"], value):
            raise Invalid(where, "does not match its pattern")
    if "minimum" in schema and _is("number", value) and value < schema["minimum"]:
        raise Invalid(where, f"below {schema['minimum']}")
    _combined(value, schema, root, where)


def _object(value: dict, schema: dict, root: dict, where: str) -> None:
    missing = [key for key in schema.get("required", []) if key not in value]
    if missing:
        raise Invalid(where, f"missing {missing[0]!r}")
    properties = schema.get("properties", {})
    for key, sub in properties.items():
        if key in value:
            validate(value[key], sub, root, f"{where}.{key}")
    extra = schema.get("additionalProperties", True)
    for key in sorted(set(value) - set(properties)):
        if extra is False:
            raise Invalid(f"{where}.{key}", "is not a key the schema allows")
        if isinstance(extra, dict):
            validate(value[key], extra, root, f"{where}.{key}")


def _passes(value: Any, schema: dict, root: dict, where: str) -> bool:
    try:
        validate(value, schema, root, where)
    except Invalid:
        return False
    return True


def _combined(value: Any, schema: dict, root: dict, where: str) -> None:
    for sub in schema.get("allOf", []):
        validate(value, sub, root, where)
    if "anyOf" in schema and not any(_passes(value, sub, root, where) for sub in schema["anyOf"]):
        raise Invalid(where, "matches none of anyOf")
    if "oneOf" in schema and sum(_passes(value, sub, root, where) for sub in schema["oneOf"]) != 1:
        raise Invalid(where, "does not match exactly one of oneOf")
    if "not" in schema and _passes(value, schema["not"], root, where):
        raise Invalid(where, "matches what `not` excludes")
    if "if" in schema:
        branch = schema.get("then" if _passes(value, schema["if"], root, where) else "else")
        if branch is not None:
            validate(value, branch, root, where)


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


def read_document(path: Path, schema: dict) -> dict:
    """A plan or comparison document, parsed and validated; Invalid says where and why it is not one."""
    if path.stat().st_size > MAX_BYTES:
        raise Invalid("", f"larger than {MAX_BYTES:,} bytes")
    try:
        document = json.loads(path.read_bytes().decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise Invalid("", f"not JSON ({type(exc).__name__})") from None
    validate(document, schema, schema)
    return document
