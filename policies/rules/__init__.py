"""The rules of the kitchen-kontrol pack, one per module; ``build_policies()`` wires them up.

Imports inside this package are relative, so it works both as ``rules`` (the CLI runs the
pack with only ``policies/`` on ``sys.path``) and as ``policies.rules`` (tests, ops).

The rules load on first use of what ``_catalog`` defines (PEP 562), so ``ops plan``'s judge process can
check a policy config with the pack's own ``schema_problems`` without importing every rule and
``pulumi_policy`` (about 20 ms, python -X importtime, on the core the pack starts on meanwhile).
"""

from __future__ import annotations

from typing import Any

from ._config import problems as schema_problems

PACK_NAME = "kitchen-kontrol"
_CATALOG = ("ALL_RULES", "PACK_VERSION", "ResourceRule", "StackRule", "build_policies")

__all__ = ["PACK_NAME", "schema_problems", *_CATALOG]


def __getattr__(name: str) -> Any:
    if name in _CATALOG:
        from . import _catalog

        return getattr(_catalog, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
