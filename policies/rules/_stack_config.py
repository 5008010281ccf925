"""The stack's configuration as the engine hands it to the pack, before the first resource.

The CLI calls ``ConfigureStack`` once, when it loads the pack, with the stack's whole decrypted
config (``kitchen-kontrol:appNodeEnv``, ``aws:region``, …; objects as JSON text). The SDK's
servicer keeps only the stack's tags, so the pack's entry point (``policies/__main__.py``) records
the config here, and a rule reads it from its context (``ResourceContext.stack_config``): the
Stack resource, judged before the program declares anything, already knows what the stack holds.

Values can be secrets in plaintext: rules name keys, never values.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

_recorded: dict[str, Mapping[str, str]] = {"config": MappingProxyType({})}


def record(config: Mapping[str, str]) -> None:
    """What ConfigureStack said; called by the pack's servicer."""
    _recorded["config"] = MappingProxyType({str(k): str(v) for k, v in config.items()})


def stack_config() -> Mapping[str, str]:
    return _recorded["config"]
