"""The vendors' own contracts for the fakes: the subset of Sentry's and Render's published OpenAPI documents
that our clients call (`vendor_specs/`, with their source and commit), and what they refuse.

A fake asks `VendorSpec.refusal` before it answers: a path the document does not have is a 404, a method
the path does not have a 405, a required parameter or body missing, a body the operation does not take
or one failing its request schema (validated with `jsonschema`) a 400, each naming what the document
expects. Tests ask `response_problems` whether an answer matches the document's response schema.
Parameters the document does not list are not refused (OpenAPI does not forbid them), but
`undocumented_query` names them.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator

SPECS = Path(__file__).resolve().parent / "vendor_specs"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Refusal:
    status: int
    message: str


@dataclass(frozen=True)
class Operation:
    method: str  # upper case
    template: str  # the document's path
    spec: dict[str, Any]  # the operation object, $refs resolved
    parameters: tuple[dict[str, Any], ...]  # path-level and operation-level


class VendorSpec:
    """One vendored document. `base_path`: the part of a request's path before the document's paths
    (Render's `/v1`; Sentry's paths start with `/api/0/` themselves)."""

    def __init__(self, name: str, base_path: str = "") -> None:
        self.name = name
        self.document = json.loads((SPECS / name).read_text())
        self.base_path = base_path.rstrip("/")
        self.source = self.document["x-vendored"]

    @cached_property
    def _routes(self) -> list[tuple[re.Pattern[str], str]]:
        routes = []
        for template in self.document["paths"]:
            pattern = re.sub(r"\\\{[^}]+\\\}", "([^/]+)", re.escape(template))
            routes.append((re.compile(pattern), template))
        return routes

    def _resolve(self, node: Any) -> Any:
        """The node with every local `$ref` replaced by what it points at."""
        if isinstance(node, dict):
            if "$ref" in node:
                target: Any = self.document
                for part in node["$ref"].removeprefix("#/").split("/"):
                    target = target[part]
                return self._resolve(target)
            return {key: self._resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [self._resolve(value) for value in node]
        return node

    def operation(self, method: str, path: str) -> Operation | Refusal:
        """The operation a request is for, or why the document has none."""
        if self.base_path:
            if not path.startswith(self.base_path + "/"):
                return Refusal(404, f"{path} is not under {self.base_path} in {self._named()}")
            path = path[len(self.base_path) :]
        for pattern, template in self._routes:
            if pattern.fullmatch(path):
                item = self.document["paths"][template]
                if method.lower() not in item:
                    allowed = ", ".join(m.upper() for m in METHODS if m in item)
                    return Refusal(405, f"{method} {template} is not in {self._named()} (it has {allowed})")
                spec = self._resolve(item[method.lower()])
                params = tuple(self._resolve(item.get("parameters", []))) + tuple(spec.get("parameters", []))
                return Operation(method.upper(), template, spec, params)
        return Refusal(404, f"no path of {self._named()} matches {path}")

    def refusal(self, method: str, path: str, query: str, body: bytes, content_type: str = "") -> Refusal | None:
        """Why the vendor would refuse this request, by its document; None when it would take it."""
        found = self.operation(method, path)
        if isinstance(found, Refusal):
            return found
        given = urllib.parse.parse_qs(query, keep_blank_values=True)
        for param in found.parameters:
            if param.get("in") == "query" and param.get("required") and param["name"] not in given:
                return Refusal(400, f"{found.method} {found.template}: query parameter {param['name']} is required")
        expected = found.spec.get("requestBody")
        if expected is None:
            if body.strip():
                return Refusal(400, f"{found.method} {found.template} takes no request body, one was sent")
            return None
        if not body.strip():
            if expected.get("required"):
                return Refusal(400, f"{found.method} {found.template}: a JSON request body is required")
            return None
        schema = (expected.get("content") or {}).get("application/json", {}).get("schema")
        if schema is None:
            return Refusal(400, f"{found.method} {found.template} takes no JSON body")
        if content_type.split(";")[0].strip().lower() != "application/json":
            return Refusal(400, f"{found.method} {found.template}: Content-Type must be application/json")
        try:
            payload = json.loads(body)
        except ValueError:
            return Refusal(400, f"{found.method} {found.template}: the request body is not JSON")
        problems = schema_problems(schema, payload)
        if problems:
            return Refusal(400, f"{found.method} {found.template}: the request body {problems[0]}")
        return None

    def undocumented_query(self, method: str, path: str, query: str) -> list[str]:
        """Query parameters the request sends that its operation does not document."""
        found = self.operation(method, path)
        if isinstance(found, Refusal):
            return []
        known = {p["name"] for p in found.parameters if p.get("in") == "query"}
        return sorted(set(urllib.parse.parse_qs(query, keep_blank_values=True)) - known)

    def response_problems(self, method: str, path: str, status: int, payload: Any) -> list[str]:
        """How an answer differs from the document: an undocumented status, or a body failing its schema."""
        found = self.operation(method, path)
        if isinstance(found, Refusal):
            return [found.message]
        responses = found.spec.get("responses", {})
        response = responses.get(str(status))
        if response is None:
            listed = ", ".join(responses)
            return [f"{found.method} {found.template}: HTTP {status} is not among its responses ({listed})"]
        schema = (response.get("content") or {}).get("application/json", {}).get("schema")
        if schema is None:
            return [] if payload in (None, "", {}) else [f"HTTP {status} of {found.template} has no body"]
        return [f"HTTP {status} of {found.method} {found.template}: {p}" for p in schema_problems(schema, payload)]

    def _named(self) -> str:
        return f"{self.source['repository']} {self.source['path']}"


def schema_problems(schema: dict[str, Any], payload: Any) -> list[str]:
    """What makes `payload` fail an OpenAPI 3.0 schema (`nullable` read as JSON Schema's null type)."""
    validator = Draft7Validator(_nullable(schema))
    problems = []
    for error in sorted(validator.iter_errors(payload), key=lambda e: list(e.absolute_path)):
        where = "".join(f"[{p!r}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        problems.append(f"{'at ' + where.lstrip('.') + ': ' if where else ''}{error.message}")
    return problems


def _nullable(node: Any) -> Any:
    if isinstance(node, dict):
        converted = {k: _nullable(v) for k, v in node.items() if k != "nullable"}
        if node.get("nullable") is True and isinstance(node.get("type"), str):
            converted["type"] = [node["type"], "null"]
            if "enum" in converted:
                converted["enum"] = [*converted["enum"], None]
        return converted
    if isinstance(node, list):
        return [_nullable(v) for v in node]
    return node


SENTRY = VendorSpec("sentry-team-membership.json")
RENDER = VendorSpec("render-notification-overrides.json", base_path="/v1")
