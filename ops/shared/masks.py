"""Values as `pulumi preview` shows them: secrets and unknowns replaced by masks, production secrets redacted."""

from __future__ import annotations

from typing import Any

from pulumi.output import Unknown
from pulumi.runtime.rpc import is_rpc_secret

from ops.shared.redact import REDACTED_MASK, SECRET_MASK, fingerprint_matches

UNKNOWN_MASK = "[unknown]"  # a value only the apply will know
MASKS = (UNKNOWN_MASK, SECRET_MASK, REDACTED_MASK)


def mask(value: Any, fingerprints: frozenset[str] = frozenset()) -> Any:
    """Secrets and unknowns as `pulumi preview` shows them; numbers from the wire as ints.

    A plain value whose SHA-256 is a known production-secret fingerprint is a leak the pack
    reports; the plan must not print it either."""
    if isinstance(value, Unknown):
        return UNKNOWN_MASK
    if is_rpc_secret(value):
        return SECRET_MASK
    if isinstance(value, dict):
        return {k: mask(v, fingerprints) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, (list, tuple)):
        return [mask(v, fingerprints) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and fingerprints and fingerprint_matches(value, fingerprints):
        return REDACTED_MASK
    return value
