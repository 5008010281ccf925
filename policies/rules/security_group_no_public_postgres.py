"""security-group-no-public-postgres: PostgreSQL (5432) is never open to the whole internet.

The database is publicly addressable on purpose: Render has no private path into AWS, so
the security group's allow-list of Render's outbound IPs is the only fence.  The advice
therefore narrows the sources; it never asks to make the database private.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import Severity

from ._props import elements, get, is_list, join_path
from ._support import Finding, ResourceContext, ResourceRule, violation
from ._types import SECURITY_GROUP, SECURITY_GROUP_INGRESS_RULE, SECURITY_GROUP_RULE

NAME = "security-group-no-public-postgres"
POSTGRES_PORT = 5432
_ALL_PROTOCOLS = {"-1", "all"}
_TCP = {"tcp", "6"}


def _is_world(cidr: Any) -> bool:
    if not isinstance(cidr, str):
        return False
    try:
        return ipaddress.ip_network(cidr.strip(), strict=False).prefixlen == 0
    except ValueError:
        return False


def _covers_postgres(protocol: Any, from_port: Any, to_port: Any) -> bool:
    proto = str(protocol).strip().lower() if protocol is not None else ""
    if proto in _ALL_PROTOCOLS:
        return True
    if proto not in _TCP:
        return False
    # A TCP rule without ports would be rejected by AWS; treat it as all ports to stay safe.
    low = from_port if isinstance(from_port, (int, float)) else 0
    high = to_port if isinstance(to_port, (int, float)) else 65535
    return low <= POSTGRES_PORT <= high


def _rule_findings(rule: Mapping[str, Any], path: str, label: str, keys: Mapping[str, str]) -> Iterator[Finding]:
    """``keys`` maps protocol/fromPort/toPort/v4/v6 to this resource type's prop names."""
    sources: set[str] = set()
    for family in ("v4", "v6"):
        value = get(rule, keys[family], path=path)
        candidates = [c for _, c in elements(value, join_path(path, keys[family]))] if is_list(value) else [value]
        sources.update(c.strip() for c in candidates if _is_world(c))
    if not sources:
        return
    ports = (get(rule, keys[k], path=path) for k in ("protocol", "fromPort", "toPort"))
    if _covers_postgres(*ports):
        where = f" {path}" if path else ""
        yield violation(f"{label}:{where} allows port {POSTGRES_PORT} from {', '.join(sorted(sources))}")


_INGRESS_RULE_KEYS = {
    "protocol": "ipProtocol",
    "fromPort": "fromPort",
    "toPort": "toPort",
    "v4": "cidrIpv4",
    "v6": "cidrIpv6",
}
_INLINE_KEYS = {
    "protocol": "protocol",
    "fromPort": "fromPort",
    "toPort": "toPort",
    "v4": "cidrBlocks",
    "v6": "ipv6CidrBlocks",
}


def check(ctx: ResourceContext) -> Iterator[Finding]:
    if ctx.resource_type == SECURITY_GROUP_INGRESS_RULE:
        yield from _rule_findings(ctx.props, "", ctx.label, _INGRESS_RULE_KEYS)
    elif ctx.resource_type == SECURITY_GROUP_RULE:
        if get(ctx.props, "type") == "ingress":
            yield from _rule_findings(ctx.props, "", ctx.label, _INLINE_KEYS)
    elif ctx.resource_type == SECURITY_GROUP:
        for at, rule in elements(get(ctx.props, "ingress"), "ingress"):
            if isinstance(rule, Mapping):
                yield from _rule_findings(rule, at, ctx.label, _INLINE_KEYS)


RULE = ResourceRule(
    name=NAME,
    description="Security groups must not allow PostgreSQL (5432) ingress from 0.0.0.0/0 or ::/0.",
    severity=Severity.CRITICAL,
    remediation=(
        "Allow 5432 only from the known client networks, never from 0.0.0.0/0 or ::/0: list Render's "
        "outbound IPs (dashboard -> service -> Connect -> Outbound) in kitchen-kontrol:dbAllowedCidrs, "
        "one ingress rule each, or reference a security group (referenced_security_group_id). "
        "The database stays publicly addressable because Render has no private path into AWS; "
        "this security group is its fence."
    ),
    check=check,
    resource_types=frozenset({SECURITY_GROUP_INGRESS_RULE, SECURITY_GROUP, SECURITY_GROUP_RULE}),
)
