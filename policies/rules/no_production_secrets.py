"""no-production-secrets: a non-production stack must not carry production values.

Every string in a resource's inputs and in its provider's inputs is checked (nested
objects and lists included, JSON-encoded strings decoded, URLs split into host and
credentials, values split at whitespace, `;` `,` `:` `&` and `=`, base64 and hex pieces
decoded) against fingerprints of production secrets, production hosts and domains,
production AWS accounts, and NODE_ENV=production.  The pack holds only SHA-256
fingerprints (``python -m ops fingerprint``), and messages name the resource and the
property path, never the value: inside a policy, secrets arrive as plaintext.

A tripwire for accidents (a production value pasted into staging), not a guard against a
determined insider: any encoding it does not decode passes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from pulumi_policy import Severity

from ._props import UNKNOWN, is_list, items, join_path
from ._support import (
    PRODUCTION_STACK_PATTERN_SCHEMA,
    Finding,
    ResourceContext,
    ResourceRule,
    is_production_stack,
    unknown,
    violation,
)

NAME = "no-production-secrets"

_URL_RE = re.compile(r"[a-z][a-z0-9+.-]*://[^\s\"'<>`]+", re.IGNORECASE)
# Host names outside URLs; not after "@" (an e-mail address is not a host) or a word char.
_HOST_RE = re.compile(r"(?<![\w@.-])((?:[a-z0-9-]+\.)+[a-z][a-z0-9-]*)(?![\w-])", re.IGNORECASE)
_ARN_RE = re.compile(r"arn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:(\d{12}):", re.IGNORECASE)
_NODE_ENV_RE = re.compile(r"\bNODE_ENV\s*[=:]\s*[\"']?production\b", re.IGNORECASE)
_ENV_KEY_FIELDS = ("key", "envVarKey", "name")
_MAX_JSON_DEPTH = 3  # also bounds base64/hex decoding inside decoded text
_SEPARATORS_RE = re.compile(r"[\s;,:&]+")
_BASE64_RE = re.compile(r"^[A-Za-z0-9+/_-]{8,}={0,2}$")
_HEX_RE = re.compile(r"^(?:[0-9a-fA-F]{2}){4,}$")


@dataclass(frozen=True)
class _ProductionMarkers:
    """What production looks like, from the rule's config: secret fingerprints, hosts, domains, AWS accounts."""

    fingerprints: frozenset[str]
    hosts: frozenset[str]
    domains: tuple[str, ...]
    allowed_hosts: frozenset[str]
    accounts: frozenset[str]

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> _ProductionMarkers:
        def strings(key: str) -> list[str]:
            value = config.get(key) or []
            return [str(v).strip().lower().rstrip(".") for v in value if str(v).strip()]

        return cls(
            fingerprints=frozenset(strings("productionSecretFingerprints")),
            hosts=frozenset(strings("productionHosts")),
            domains=tuple(strings("productionDomains")),
            allowed_hosts=frozenset(strings("allowedHosts")),
            accounts=frozenset(strings("productionAwsAccountIds")),
        )


def fingerprint(value: str) -> str:
    """SHA-256 hex of the UTF-8 bytes; the same digest ``ops fingerprint`` prints."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _secret_candidates(text: str) -> Iterator[tuple[str, str]]:
    """(what, candidate) pairs to fingerprint: the value and the credential parts inside it."""
    yield "value", text
    yield "value", text.strip()
    yield "URL-decoded value", unquote(text)
    for match in _URL_RE.finditer(text):
        try:
            parts = urlsplit(match.group(0))
            password, username = parts.password, parts.username
        except ValueError:
            continue
        if password is not None:
            yield "URL password", password
            yield "URL password", unquote(password)
            yield "URL userinfo", f"{username or ''}:{password}"
        if username:
            yield "URL user", unquote(username)
        for _k, v in parse_qsl(parts.query):
            yield "URL query value", v
    for token in _pieces(text):
        yield "part of the value", token
    yield "value without separators", re.sub(r"[;,:&]", "", text.strip())


def _pieces(text: str) -> Iterator[str]:
    """The parts of a value split at whitespace, `;` `,` `:` `&`, and each part's value after `=`."""
    for token in _SEPARATORS_RE.split(text):
        token = token.strip("\"'")
        if token:
            yield token
            if "=" in token.rstrip("="):
                yield token.split("=", 1)[1].strip("\"'")


def _decoded(text: str) -> Iterator[tuple[str, str]]:
    """("base64"|"hex", text) for the value and each of its pieces that decode to printable text."""
    seen: set[str] = set()
    for piece in (text.strip(), *_pieces(text)):
        if piece in seen:
            continue
        seen.add(piece)
        raw = None
        if _HEX_RE.match(piece):
            raw, how = bytes.fromhex(piece), "hex"
        elif _BASE64_RE.match(piece):
            bare = piece.rstrip("=")
            padded = bare + "=" * (-len(bare) % 4)
            try:
                raw, how = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True), "base64"
            except (binascii.Error, ValueError):
                raw = None
        if raw is None:
            continue
        try:
            decoded = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if decoded.isprintable() or decoded.strip().isprintable():
            yield how, decoded


def _hosts(text: str) -> Iterator[str]:
    rest = text
    for match in _URL_RE.finditer(text):
        try:
            host = urlsplit(match.group(0)).hostname
        except ValueError:
            host = None
        if host:
            yield host
        rest = rest.replace(match.group(0), " ")
    for match in _HOST_RE.finditer(rest):
        yield match.group(1)


def _production_host(host: str, markers: _ProductionMarkers) -> str | None:
    host = host.lower().rstrip(".")
    if host in markers.allowed_hosts:
        return None
    if host in markers.hosts:
        return f"production host {host}"
    for domain in markers.domains:
        if host == domain or host.endswith("." + domain):
            return f"production domain {domain}"
    return None


def _json_container(text: str, depth: int) -> Any:
    # Provider inputs such as assumeRole/allowedAccountIds arrive JSON-encoded.
    if depth >= _MAX_JSON_DEPTH or text.lstrip()[:1] not in ("{", "["):
        return None
    try:
        decoded = json.loads(text)
    except ValueError:
        return None
    return decoded if isinstance(decoded, (dict, list)) else None


def _check_string(text: str, path: str, where: str, markers: _ProductionMarkers, depth: int) -> Iterator[Finding]:
    if markers.fingerprints:
        seen: set[str] = set()
        for what, candidate in _secret_candidates(text):
            if not candidate or candidate in seen:
                continue
            seen.add(candidate)
            if fingerprint(candidate) in markers.fingerprints:
                yield violation(f"{where}: {what} at {path} matches a production secret fingerprint")
                break
    decoded = _json_container(text, depth)
    if decoded is not None:  # check the decoded leaves instead of the raw JSON text
        yield from _scan(decoded, f"{path}<json>", where, markers, depth + 1)
        return
    flagged: set[str] = set()
    for host in _hosts(text):
        reason = _production_host(host, markers)
        if reason and reason not in flagged:
            flagged.add(reason)
            yield violation(f"{where}: {path} points at {reason}")
    if markers.accounts:
        accounts = {m.group(1) for m in _ARN_RE.finditer(text)}
        for account in sorted(accounts & markers.accounts):
            yield violation(f"{where}: {path} holds an ARN in production AWS account {account}")
        if text.strip() in markers.accounts:
            yield violation(f"{where}: {path} is production AWS account {text.strip()}")
        else:
            for account in sorted(set(_pieces(text)) & markers.accounts - accounts):
                yield violation(f"{where}: {path} holds production AWS account {account}")
    if _NODE_ENV_RE.search(text):
        yield violation(f"{where}: {path} sets NODE_ENV=production")
    if depth < _MAX_JSON_DEPTH:
        for how, decoded in _decoded(text):
            yield from _check_string(decoded, f"{path}<{how}>", where, markers, depth + 1)


def _is_production(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower() == "production"


def _env_entry(node: Mapping[str, Any], path: str, where: str) -> Iterator[Finding]:
    """{key|envVarKey: NODE_ENV, value: production}: a Render env var or env-var list element."""
    entries = {k: v for k, p, v in items(node, path) if k in (*_ENV_KEY_FIELDS, "value")}
    value = entries.get("value")
    for field in _ENV_KEY_FIELDS:
        if field not in entries:
            continue
        key = entries[field]
        if key is UNKNOWN and _is_production(value):
            yield unknown(join_path(path, field), where)
        elif key == "NODE_ENV":
            if value is UNKNOWN:
                yield unknown(join_path(path, "value"), where)
            elif _is_production(value):
                yield violation(f"{where}: {join_path(path, 'value')} sets NODE_ENV=production")
        return


def _scan(node: Any, path: str, where: str, markers: _ProductionMarkers, depth: int = 0) -> Iterator[Finding]:
    if isinstance(node, Mapping):
        yield from _env_entry(node, path, where)
    for key, child_path, child in items(node, path):
        if child is UNKNOWN:
            yield unknown(child_path, where)
        elif isinstance(child, str):
            if key == "NODE_ENV" and _is_production(child):
                yield violation(f"{where}: {child_path} sets NODE_ENV=production")
            yield from _check_string(child, child_path, where, markers, depth)
        elif isinstance(child, Mapping) or is_list(child):
            yield from _scan(child, child_path, where, markers, depth)


def check(ctx: ResourceContext) -> Iterator[Finding]:
    if is_production_stack(ctx):
        return
    markers = _ProductionMarkers.from_config(ctx.config)
    yield from _scan(ctx.props, "", ctx.label, markers)
    if ctx.provider_props is not None:
        where = f'{ctx.label} via provider {ctx.provider_type or ""} "{ctx.provider_name or ""}"'
        yield from _scan(ctx.provider_props, "", where, markers)


_STRING_LIST = {"type": "array", "items": {"type": "string"}, "default": []}

RULE = ResourceRule(
    name=NAME,
    description=("Non-production stacks must not use production secrets, hosts, AWS accounts or NODE_ENV=production."),
    severity=Severity.CRITICAL,
    remediation=(
        "Replace the flagged property with the staging value: a staging secret "
        "(pulumi config set --secret), a staging host, a staging AWS account/role, or "
        "NODE_ENV=staging. The message names the property path; the value is never shown."
    ),
    check=check,
    config_schema={
        "productionStackPattern": PRODUCTION_STACK_PATTERN_SCHEMA,
        "productionSecretFingerprints": {
            **_STRING_LIST,
            "items": {"type": "string", "pattern": "^[0-9a-fA-F]{64}$"},
            "description": "SHA-256 hex digests of production secret values (python -m ops fingerprint).",
        },
        "productionHosts": {**_STRING_LIST, "description": "Exact production host names."},
        "productionDomains": {
            **_STRING_LIST,
            "description": "Production domains; the domain and every subdomain count.",
        },
        "allowedHosts": {
            **_STRING_LIST,
            "description": "Exact host names exempt from productionDomains (e.g. a staging subdomain).",
        },
        "productionAwsAccountIds": {
            **_STRING_LIST,
            "items": {"type": "string", "pattern": "^[0-9]{12}$"},
            "description": "12-digit AWS account ids of production.",
        },
    },
)
